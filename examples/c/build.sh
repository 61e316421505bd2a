#!/usr/bin/env bash
# Builds libhush.a (release), links examples/c/denoise_wav.c against it statically, runs it on the
# noisy fixture, checks its output against `hush denoise`, and runs it under valgrind memcheck.
#   usage: examples/c/build.sh [--no-valgrind]
# Outputs go to out/c/: libhush.a, denoise_wav, denoised.wav.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=out/c
mkdir -p "$out"

# SwiftPM names the archive after the product (libCHush.a: a product cannot be called "hush"
# beside the executable); it is shipped as libhush.a.
swift build -c release --product CHush
bin=$(swift build -c release --show-bin-path)
cp "$bin/libCHush.a" "$out/libhush.a"

# The link line a static Swift library needs on Linux is in examples/c/cc-hush.
examples/c/cc-hush examples/c/denoise_wav.c -o "$out/denoise_wav"

noisy=audio-fixtures/noisy-speech-16k.wav
strip -o "$out/denoise_wav.stripped" "$out/denoise_wav"
echo "== sizes: libhush.a $(stat -c %s "$out/libhush.a") bytes; denoise_wav $(stat -c %s "$out/denoise_wav")" \
     "bytes with debug info, $(stat -c %s "$out/denoise_wav.stripped") stripped"
"$out/denoise_wav" "$noisy" "$out/denoised.wav"

# The C API and `hush denoise` run the same engine: the files must carry identical samples. The
# debug CLI is enough (CI has built it already; a release build of it would cost minutes).
swift build --product hush >/dev/null
# --keep-dc: the DC blocker is hush's file/stream front end (HushAudio), not the engine's C API.
"$(swift build --show-bin-path)/hush" denoise --overwrite --keep-dc "$noisy" "$out/hush-denoise.wav" >/dev/null
if cmp -s <(tail -c +45 "$out/denoised.wav") <(tail -c +45 "$out/hush-denoise.wav"); then
  echo "== denoise_wav output is identical to hush denoise"
else
  echo "error: denoise_wav output differs from hush denoise" >&2
  exit 1
fi

if [ "${1:-}" != "--no-valgrind" ]; then
  # Zero errors and no definite leaks, or the run fails. The suppressions file documents each entry.
  # Debian 12's valgrind 3.19 cannot read the DWARF in the Swift runtime's objects ("debuginfo
  # reader: ensure_valid failed ... Giving up"), so memcheck runs the binary with its debug
  # sections stripped: symbols stay, reports name functions but not lines.
  # "Possibly lost" blocks are the Swift runtime's metadata caches (it keeps interior pointers to
  # them for the life of the process); only definite leaks count.
  objcopy --strip-debug "$out/denoise_wav" "$out/denoise_wav.nodebug"
  valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
           --show-leak-kinds=definite --suppressions="$root/examples/c/valgrind.supp" --quiet \
           "$out/denoise_wav.nodebug" "$noisy" "$out/denoised-valgrind.wav" 0.5 >/dev/null
  echo "== valgrind memcheck: 0 errors"
fi
