#!/usr/bin/env bash
# Tries to compile the core (Sources/Hush) as Embedded Swift for a Cortex-M7/M4F target triple and
# reports what blocks it. Step 1 compiles the sources as they are; step 2 compiles them as a
# firmware build (firmware/build.sh) does: with -D HUSH_PORTABLE_FFT (the plain-Swift
# PortableRealFFT in place of FFTW; the host tests hold it to FFTW) and firmware/LibM.swift in
# place of LibM.swift (Glibc), and prints the object's size and the symbols a firmware image must
# provide. scripts/firmware-check goes further: links, runs on QEMU and compares with the host.
#   usage: firmware-notes/embedded-check.sh [target-triple]   (default armv7em-none-none-eabi)
set -uo pipefail
cd "$(dirname "$0")/.."
triple=${1:-armv7em-none-none-eabi}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
firmware/modules.sh "$tmp/modules"
flags=(-enable-experimental-feature Embedded -target "$triple" -wmo -Osize -parse-as-library
       -module-name Hush -I "$tmp/modules" -I Sources/CFFTW)

echo "== 1. the core as it is"
mapfile -t all < <(find Sources/Hush -name '*.swift' | sort)
if swiftc "${flags[@]}" -c "${all[@]}" -o "$tmp/hush.o" > "$tmp/log1" 2>&1; then
  echo "compiles"
else
  grep -E "error:" "$tmp/log1" | grep -v '^ *|' | sed "s|^ *||; s|$PWD/||" | sort -u | head -5
fi

echo "== 2. as the firmware build compiles it: -D HUSH_PORTABLE_FFT, firmware/LibM.swift for Glibc"
mapfile -t rest < <(find Sources/Hush -name '*.swift' ! -name LibM.swift | sort)
if swiftc "${flags[@]}" -D HUSH_PORTABLE_FFT -emit-module -emit-module-path "$tmp/modules/Hush.swiftmodule" \
     -c "${rest[@]}" firmware/LibM.swift -o "$tmp/hush.o" > "$tmp/log2" 2>&1; then
  echo "compiles: $(file -b "$tmp/hush.o" | cut -d, -f1-2)"
  size "$tmp/hush.o" | tail -1 | awk '{print "object sizes: text " $1 " bytes, data " $2 ", bss " $3}'
  echo "symbols the firmware must provide:"
  nm -u "$tmp/hush.o" | awk '{print $2}' | grep -v '^__aeabi_' | tr '\n' ' '
  echo
  echo "(plus the ARM EABI helpers __aeabi_*: $(nm -u "$tmp/hush.o" | grep -c __aeabi_) of them, from libgcc/compiler-rt)"
else
  grep -E "error:" "$tmp/log2" | grep -v '^ *|' | sed 's/^ *//' | sort -u | head -20
fi

echo "== 3. the C API (Sources/CHush) over that core"
if swiftc -enable-experimental-feature Embedded -target "$triple" -wmo -Osize -parse-as-library \
     -module-name CHush -I "$tmp/modules" -c Sources/CHush/*.swift -o "$tmp/chush.o" > "$tmp/log3" 2>&1; then
  size "$tmp/chush.o" | tail -1 | awk '{print "compiles: text " $1 " bytes, data " $2 ", bss " $3}'
  echo "exported: $(nm "$tmp/chush.o" | awk '$2 == "T" && $3 ~ /^hush_/ {print $3}' | wc -l) hush_* functions"
else
  grep -E "error:" "$tmp/log3" | grep -v '^ *|' | sed 's/^ *//' | sort -u | head -20
fi
