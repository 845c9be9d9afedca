#!/usr/bin/env bash
# hvscope: fetch and cache the real guests the integration tests boot, from Debian's archive.
#   opensbi/fw_jump.elf, fw_jump.bin   OpenSBI M-mode firmware (bookworm 'opensbi')
#   u-boot/u-boot-smode.bin, .elf      U-Boot for QEMU virt, S-mode build (bookworm 'u-boot-qemu')
#   linux/Image, config, VERSION       Debian trixie riscv64 kernel (flat Image)
#   linux/initrd.gz                    busybox initramfs: /init prints BOOT-OK and powers off
#   linux/initrd-shell.gz              the same, /init starts an interactive shell
# Usage: scripts/get-guests.sh [CACHE_DIR]   (default ${HVSCOPE_GUESTS:-$HOME/.cache/hvscope-guests})
# Idempotent: whatever is already in the cache is kept. Installs nothing into the system.
# Exit status: 0 all present; 2 a tool or the network is missing (the message says which).
set -euo pipefail
OUT="${1:-${HVSCOPE_GUESTS:-$HOME/.cache/hvscope-guests}}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
say() { echo "get-guests: $*" >&2; }
die() { say "$*"; exit 2; }

have_all() {
  local f
  for f in opensbi/fw_jump.elf u-boot/u-boot-smode.bin linux/Image linux/initrd.gz linux/initrd-shell.gz; do
    [ -s "$OUT/$f" ] || return 1
  done
}
if have_all; then say "all guests present in $OUT"; exit 0; fi

for t in apt-get apt-cache dpkg-deb cpio gzip; do
  command -v "$t" >/dev/null || die "'$t' is missing (on Debian: apt-get install $t)"
done
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT

# Use the Debian mirror this machine's apt already uses.
MIRROR="$(grep -rhoE '^(URIs:|deb)\s+\S+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
  | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)"
[ -n "$MIRROR" ] || die "no Debian mirror found in the apt sources (/etc/apt/sources.list*)"

# apt_opts SUITE ARCH: options for a private apt state in $WORK (never touches the system's).
apt_opts() {
  local d="$WORK/apt-$1-$2"
  echo "-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$d/lists" \
       "-o APT::Architecture=$2 -o APT::Architectures=$2 -o Dir::Cache::Archives=$d/archives" \
       "-o Dir::State::status=/dev/null -o Debug::NoLocking=1"
}
# apt_fetch SUITE ARCH PKG...: download the packages and unpack them into $WORK/root-SUITE-ARCH.
apt_fetch() {
  local suite=$1 arch=$2; shift 2
  local d="$WORK/apt-$suite-$arch" p deb
  mkdir -p "$d/lists/partial" "$d/archives/partial"
  echo "deb [arch=$arch trusted=yes] $MIRROR $suite main" > "$d/sources.list"
  # shellcheck disable=SC2046
  if [ ! -f "$d/.updated" ]; then
    say "reading the $suite/$arch package index from $MIRROR"
    apt-get $(apt_opts "$suite" "$arch") update -qq >"$d/update.log" 2>&1 && ! grep -qE '^(Err|W: Failed)' "$d/update.log" \
      || die "cannot reach $MIRROR ($suite/$arch) — offline? apt said: $(grep -m1 -E 'Err|Failed|Could not' "$d/update.log" || tail -1 "$d/update.log")"
    touch "$d/.updated"
  fi
  say "downloading $* ($suite/$arch)"
  # shellcheck disable=SC2046
  (cd "$d" && apt-get $(apt_opts "$suite" "$arch") download -qq "$@" >"$d/download.log" 2>&1) \
    || die "download of $* failed: $(tail -2 "$d/download.log")"
  for p in "$@"; do
    deb="$(ls "$d"/"${p}"_*.deb 2>/dev/null | head -1)"; [ -n "$deb" ] || die "package $p was not downloaded"
    dpkg-deb -x "$deb" "$WORK/root-$suite-$arch"
  done
}
# install_to DEST SRC: copy into the cache atomically (a partial file never looks complete).
install_to() { mkdir -p "$(dirname "$1")"; cp "$2" "$1.part" && mv "$1.part" "$1"; }

if [ ! -s "$OUT/opensbi/fw_jump.elf" ] || [ ! -s "$OUT/u-boot/u-boot-smode.bin" ]; then
  apt_fetch bookworm amd64 opensbi u-boot-qemu
  R="$WORK/root-bookworm-amd64"
  install_to "$OUT/opensbi/fw_jump.bin" "$R/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
  install_to "$OUT/opensbi/fw_jump.elf" "$R/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf"
  install_to "$OUT/u-boot/u-boot-smode.elf" "$R/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf"
  install_to "$OUT/u-boot/u-boot-smode.bin" "$R/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
fi

if [ ! -s "$OUT/linux/Image" ] || [ ! -s "$OUT/linux/initrd.gz" ] || [ ! -s "$OUT/linux/initrd-shell.gz" ]; then
  apt_fetch trixie riscv64 busybox-static
  # linux-image-riscv64 is a meta-package: resolve the versioned kernel package it depends on.
  # shellcheck disable=SC2046
  KPKG="$(apt-cache $(apt_opts trixie riscv64) depends linux-image-riscv64 2>/dev/null \
    | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
  [ -n "$KPKG" ] || die "cannot resolve the kernel package behind linux-image-riscv64"
  apt_fetch trixie riscv64 "$KPKG"
  R="$WORK/root-trixie-riscv64"
  install_to "$OUT/linux/config" "$(ls "$R"/boot/config-* | head -1)"
  echo "$KPKG" > "$OUT/linux/VERSION"
  for variant in plain shell; do
    I="$WORK/initramfs-$variant"; mkdir -p "$I"/{bin,sbin,proc,sys,dev,etc,tmp}
    cp "$R/usr/bin/busybox" "$I/bin/busybox"
    if [ "$variant" = plain ]; then
      last='poweroff -f'; name=initrd.gz; banner='echo "BOOT-OK $(uname -r) harts=$(grep -c ^processor /proc/cpuinfo)"'
    else
      last='exec setsid cttyhack sh'; name=initrd-shell.gz; banner='echo "BOOT-OK $(uname -r)"'
    fi
    printf '%s\n' '#!/bin/busybox sh' '/bin/busybox --install -s /bin' 'mount -t proc proc /proc' \
      'mount -t sysfs sys /sys' "$banner" "$last" > "$I/init"
    chmod +x "$I/init"
    (cd "$I" && find . | cpio -o -H newc 2>/dev/null | gzip -9 > "$WORK/$name")
    install_to "$OUT/linux/$name" "$WORK/$name"
  done
  # The Image last: its presence is what marks the Linux set complete.
  install_to "$OUT/linux/Image" "$(ls "$R"/boot/vmlinux-* | head -1)"
fi

have_all || die "some guests are still missing in $OUT"
say "guests in $OUT:"; (cd "$OUT" && find . -type f | sort) >&2
