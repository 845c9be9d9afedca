// RISC-V F/D floating-point unit: see fpu.ts for the calling convention.
export * from './fpu';
