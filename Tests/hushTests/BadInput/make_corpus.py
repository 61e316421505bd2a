#!/usr/bin/env python3
"""Writes the bad-input corpus and its expected outcomes (expected.tsv) next to this script.

Every case is a small file built byte by byte (Python stdlib only), except the FLAC cases, which
need `sox`. Each line of expected.tsv: file name, then `ok SAMPLES` (denoise succeeds and the
output has SAMPLES samples per channel) or `error TEXT` (non-zero exit, one stderr line containing
TEXT, no output file). Directories and missing paths are made by the test itself.

  python3 Tests/hushTests/BadInput/make_corpus.py
"""
import math
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")


def wav(fmt_tag, channels, rate, bits, data, riff_size=None, data_size=None):
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data) if data_size is None else data_size) + data
    return b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size) + body


def pcm16(samples):
    return b"".join(struct.pack("<h", max(-32768, min(32767, int(round(s * 32767))))) for s in samples)


def f32(samples):
    return b"".join(struct.pack("<f", s) for s in samples)


def tone(n, rate=16000, freq=440.0, amp=0.3):
    return [amp * math.sin(2 * math.pi * freq * i / rate) for i in range(n)]


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []

    def put(name, data, expect):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        cases.append((name, expect))

    good = wav(1, 1, 16000, 16, pcm16(tone(4000)))
    put("truncated-header.wav", good[:20], "error not a readable audio file")
    put("truncated-in-fmt.wav", good[:30], "error not a readable audio file")
    put("truncated-data.wav", good[:44 + 2000], "ok 1000")  # header promises 4000 samples
    put("data-size-huge.wav", wav(1, 1, 16000, 16, pcm16(tone(800)), data_size=0x7FFFFFF0), "ok 800")
    put("riff-size-wrong.wav", wav(1, 1, 16000, 16, pcm16(tone(800)), riff_size=12), "ok 800")
    put("zero-channels.wav", wav(1, 0, 16000, 16, pcm16(tone(100))), "error not a readable audio file")
    put("zero-rate.wav", wav(1, 1, 0, 16, pcm16(tone(100))), "error not a readable audio file")
    # libsndfile reads a 17-bit header as 24-bit containers (200 data bytes -> 66 samples).
    put("bits-17.wav", wav(1, 1, 16000, 17, pcm16(tone(100))), "ok 66")
    put("zero-samples.wav", wav(1, 1, 16000, 16, b""), "error contains no audio")
    put("one-sample.wav", wav(1, 1, 16000, 16, pcm16([0.5])), "ok 1")
    put("nan-inf.wav", wav(3, 1, 16000, 32, f32([float("nan"), float("inf"), float("-inf"), 1e30] * 500 + tone(2000))), "ok 4000")
    put("denormals.wav", wav(3, 1, 16000, 32, f32([1e-40 * ((-1) ** i) for i in range(4000)])), "ok 4000")
    put("square-full-scale.wav", wav(1, 1, 16000, 16, pcm16([1.0 if (i // 20) % 2 else -1.0 for i in range(8000)])), "ok 8000")
    put("dc.wav", wav(1, 1, 16000, 16, pcm16([0.9] * 8000)), "ok 8000")
    put("eight-channels.wav", wav(1, 8, 16000, 16, pcm16([s for s in tone(2000) for _ in range(8)])), "ok 2000")
    put("rate-8k.wav", wav(1, 1, 8000, 16, pcm16(tone(4000, 8000))), "ok 4000")
    put("rate-192k.wav", wav(1, 1, 192000, 16, pcm16(tone(9600, 192000))), "ok 9600")
    put("text.wav", b"RIFF? no, this is a text file pretending to be audio.\n", "error not a readable audio file")
    put("random-bytes.wav", bytes((i * 7919 + 13) % 256 for i in range(3000)), "error not a readable audio file")
    put("empty-file.wav", b"", "error not a readable audio file")

    # FLAC cases need an encoder: sox writes a real FLAC, which is then damaged.
    src = os.path.join(OUT, "_tone.wav")
    with open(src, "wb") as f:
        f.write(wav(1, 1, 16000, 16, pcm16(tone(16000))))
    flac = os.path.join(OUT, "_tone.flac")
    subprocess.run(["sox", src, flac], check=True)
    data = open(flac, "rb").read()
    os.remove(src)
    os.remove(flac)
    put("flac-header-corrupt.flac", b"fLaX" + data[4:], "error not a readable audio file")
    put("flac-truncated-header.flac", data[:30], "error not a readable audio file")

    with open(os.path.join(HERE, "expected.tsv"), "w") as f:
        for name, expect in cases:
            f.write(f"{name}\t{expect}\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    sys.exit(main())
