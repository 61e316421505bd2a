#!/usr/bin/env bash
# Builds the firmware image for QEMU's mps2-an500 (Cortex-M7): the core (Sources/Hush) and its C
# API (Sources/CHush) as Embedded Swift for armv7em-none-none-eabi with the portable FFT
# (-D HUSH_PORTABLE_FFT) and firmware/LibM.swift, a model file from models/ as the bundled model
# (default the int8 one, 511 KB; HUSH_FIRMWARE_MODEL=hush-default.hush for the float32 one, 1.8 MB)
# and the kernels' C tables, firmware/main.c (semihosting I/O), start-up and stubs, linked by
# arm-none-eabi-gcc against newlib (rdimon: semihosting). Soft-float ABI throughout.
# Needs: gcc-arm-none-eabi libnewlib-arm-none-eabi (Debian). Output: .build/firmware/hush.elf
set -euo pipefail
cd "$(dirname "$0")/.."
model="${HUSH_FIRMWARE_MODEL:-hush-default-int8.hush}"
[ -f "models/$model" ] || { echo "error: no models/$model" >&2; exit 1; }
out=.build/firmware
rm -rf "$out" && mkdir -p "$out/modules"
firmware/modules.sh "$out/modules"
# -function-sections lets --gc-sections drop the stdlib code the engine never calls: it takes the
# Unicode normalisation tables and arc4random_buf out of the image (126 KB less, same output).
swift_flags=(-enable-experimental-feature Embedded -target armv7em-none-none-eabi -wmo -Osize -parse-as-library
             -Xcc -fno-stack-protector -Xfrontend -function-sections -I "$out/modules")
mapfile -t core < <(find Sources/Hush -name '*.swift' ! -name LibM.swift | sort)
swiftc "${swift_flags[@]}" -module-name Hush -D HUSH_PORTABLE_FFT \
  -emit-module -emit-module-path "$out/modules/Hush.swiftmodule" -c "${core[@]}" firmware/LibM.swift -o "$out/hush.o"
swiftc "${swift_flags[@]}" -module-name CHush -c Sources/CHush/*.swift -o "$out/chush.o"
# 32-bit enums, as Swift and the C API assume (arm-none-eabi-gcc defaults to short ones).
cflags=(-mcpu=cortex-m7 -mthumb -mfloat-abi=soft -fno-short-enums -O2 -ffunction-sections -fdata-sections -Iinclude
        -ISources/CHushModel/include -ISources/CKernelSupport/include -Imodels -DHUSH_BUNDLED_MODEL="\"$model\"")
objects=("$out/hush.o" "$out/chush.o")
for c in firmware/main.c firmware/startup.c firmware/stubs.c Sources/CHushModel/bundled_model.c \
         Sources/CHushModel/bundled_model.S Sources/CKernelSupport/left_pack.c Sources/CKernelSupport/crc32_table.c; do
  o="$out/$(basename "$c").o"
  arm-none-eabi-gcc "${cflags[@]}" -c "$c" -o "$o"
  objects+=("$o")
done
arm-none-eabi-gcc -mcpu=cortex-m7 -mthumb -mfloat-abi=soft -T firmware/mps2-an500.ld --specs=rdimon.specs \
  -Wl,--gc-sections -Wl,-Map="$out/hush.map" -o "$out/hush.elf" "${objects[@]}" \
  -L/opt/swift/usr/lib/swift/embedded/armv7em-none-none-eabi -lswiftUnicodeDataTables -lm
arm-none-eabi-size "$out/hush.elf"
