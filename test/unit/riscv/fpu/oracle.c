/* Host oracle for the FPU differential test: reads lines "op rm a b c" (op: add sub mul div sqrt
 * fma, suffixed 32 or 64; rm: 0 RNE, 1 RTZ, 2 RDN, 3 RUP; operands as hex bit patterns) and prints
 * "result flags" with flags in the RISC-V fflags layout. Build: cc -O2 -frounding-math
 * -ffp-contract=off oracle.c -lm. Only meaningful for finite/inf results: x86 NaN rules differ. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#pragma STDC FENV_ACCESS ON

static int rmode(int rm) {
  switch (rm) {
    case 1: return FE_TOWARDZERO;
    case 2: return FE_DOWNWARD;
    case 3: return FE_UPWARD;
    default: return FE_TONEAREST;
  }
}

static int flags(void) {
  int f = 0;
  if (fetestexcept(FE_INEXACT)) f |= 1;
  if (fetestexcept(FE_UNDERFLOW)) f |= 2;
  if (fetestexcept(FE_OVERFLOW)) f |= 4;
  if (fetestexcept(FE_DIVBYZERO)) f |= 8;
  if (fetestexcept(FE_INVALID)) f |= 16;
  return f;
}

int main(void) {
  char op[16];
  int rm;
  unsigned long long a, b, c;
  while (scanf("%15s %d %llx %llx %llx", op, &rm, &a, &b, &c) == 5) {
    int n = (int)strlen(op);
    int dbl = op[n - 2] == '6';
    op[n - 2] = 0;
    unsigned long long r;
    fesetround(rmode(rm));
    feclearexcept(FE_ALL_EXCEPT);
    if (dbl) {
      volatile double x, y, z, res;
      memcpy((void *)&x, &a, 8); memcpy((void *)&y, &b, 8); memcpy((void *)&z, &c, 8);
      if (!strcmp(op, "add")) res = x + y;
      else if (!strcmp(op, "sub")) res = x - y;
      else if (!strcmp(op, "mul")) res = x * y;
      else if (!strcmp(op, "div")) res = x / y;
      else if (!strcmp(op, "sqrt")) res = sqrt(x);
      else res = fma(x, y, z);
      int f = flags();
      memcpy(&r, (void *)&res, 8);
      printf("%llx %d\n", r, f);
    } else {
      volatile float x, y, z, res;
      uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c, r32;
      memcpy((void *)&x, &a32, 4); memcpy((void *)&y, &b32, 4); memcpy((void *)&z, &c32, 4);
      if (!strcmp(op, "add")) res = x + y;
      else if (!strcmp(op, "sub")) res = x - y;
      else if (!strcmp(op, "mul")) res = x * y;
      else if (!strcmp(op, "div")) res = x / y;
      else if (!strcmp(op, "sqrt")) res = sqrtf(x);
      else res = fmaf(x, y, z);
      int f = flags();
      memcpy(&r32, (void *)&res, 4);
      printf("%x %d\n", r32, f);
    }
    fesetround(FE_TONEAREST);
  }
  return 0;
}
