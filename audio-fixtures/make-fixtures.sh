#!/usr/bin/env bash
# Regenerates the audio fixtures from offline, reproducible sources (Debian packages only).
# Needs: sox, flite, unzip, and apt access for pocketsphinx-testdata and 0ad-data (downloaded,
# not installed). 0ad-data is 1.4 GB and keeps its audio in a 3.2 GB zip: set HUSH_0AD_ROOT to an
# extracted copy (the folder holding usr/share/games/0ad/mods/public/public.zip[.d]) to reuse one.
# usage: audio-fixtures/make-fixtures.sh   (writes into the folder this script is in)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. Real human speech: LibriVox recording shipped in pocketsphinx-testdata (BSD-2 package).
( cd "$work" && apt-get download -qq pocketsphinx-testdata >/dev/null && dpkg -x pocketsphinx-testdata_*.deb pst )
real="$work/pst/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"
sox -R "$real" -r 16000 -c 1 -b 16 "$here/real-speech-16k.flac" trim 0 2.9

# 2. Synthetic speech: flite's "slt" voice, resampled to 16 kHz.
flite -voice slt -t "Please keep the noise down, the meeting starts soon." -o "$work/slt.wav"
sox -R "$work/slt.wav" -r 16000 -c 1 -b 16 "$here/tts-speech-16k.flac" trim 0 2.5 norm -3

# 3. Noisy speech for the demo: the real speech plus pink noise and a 50 Hz hum with harmonics,
#    about 5 dB SNR. `sox -R` (on every command here) makes the noise generator and the dither
#    that sox adds when it writes 16 bits repeatable.
sox -R -n -r 16000 -c 1 -b 16 "$work/pink.wav" synth 2.5 pinknoise vol 0.08
sox -R -n -r 16000 -c 1 -b 16 "$work/hum.wav" synth 2.5 sine 50 sine 150 sine 250 vol 0.02
sox -R "$real" -r 16000 -c 1 -b 16 "$work/speech.wav" trim 0.2 2.5
sox -R -m "$work/speech.wav" "$work/pink.wav" "$work/hum.wav" -b 16 "$here/noisy-speech-16k.wav"
# 4. Full-band real speech: two acted lines from 0 A.D.'s voice set (CC-BY-SA 3.0), a woman at
#    44.1 kHz and a man at 48 kHz, both carrying speech energy up to 16 kHz; 48 kHz mono.
root="${HUSH_0AD_ROOT:-}"
lines=(audio/voice/greek/civ/civ_female_garrison_1.ogg audio/voice/greek/civ/civ_male_attack_10.ogg)
zip=usr/share/games/0ad/mods/public/public.zip
if [ -n "$root" ] && [ -d "$root/$zip.d" ]; then
  mkdir -p "$work/voice" && for l in "${lines[@]}"; do cp "$root/$zip.d/$l" "$work/voice/"; done
else
  if [ -z "$root" ]; then
    ( cd "$work" && apt-get download -qq 0ad-data >/dev/null && dpkg-deb --fsys-tarfile 0ad-data_*.deb | tar -x "./$zip" )
    root="$work"
  fi
  unzip -q -j "$root/$zip" "${lines[@]}" -d "$work/voice"
fi
voice="voice"
sox -R "$work/$voice/civ_female_garrison_1.ogg" -r 48000 -c 1 "$work/a.wav" pad 0.1 0.1
sox -R "$work/$voice/civ_male_attack_10.ogg" -r 48000 -c 1 "$work/b.wav" pad 0 0.1
sox -R "$work/a.wav" "$work/b.wav" -b 16 "$here/real-speech-48k.flac"
ls -l "$here"/*.wav "$here"/*.flac
