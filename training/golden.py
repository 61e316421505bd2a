"""Golden parity fixtures (FORMAT.md): run the frame-by-frame reference forward (reference.py,
which reads only the model file) on a short noisy clip at b = 1 and b = 0.25, and store input,
gate scores, gates, mask and stream output in the same container.

  python golden.py models/hush-default.hush training/golden/golden.hush [--frames 64]

The input is deterministic: a window of flite voice "slt" speaking a fixed sentence (resampled to
16 kHz by sox), mixed at 5 dB SNR with pink-ish noise plus a 50 Hz hum with harmonics. Among a few
windows x noise seeds, the one whose gate decisions lie farthest from a flip (largest minimum of
|score| and of the gap between the k-th and (k+1)-th score) is kept, so that a float32 engine
reproduces the gates exactly.
Extra metadata `model_crc32` (i32, the model file's CRC-32 as a signed bit pattern) ties the
fixture to the model it was computed from; readers may ignore it.
"""
import argparse
import os
import struct
import subprocess
import tempfile
import zlib

import numpy as np
import soundfile as sf

import container
import macformula
from reference import Reference

TEXT = "Please call Stella. Ask her to bring these things with her from the store."


def tts_speech():
    with tempfile.TemporaryDirectory() as td:
        raw = os.path.join(td, "a.wav"); out = os.path.join(td, "b.wav")
        subprocess.run(["flite", "-voice", "slt", "-t", TEXT, "-o", raw], check=True)
        subprocess.run(["sox", raw, "-r", "16000", "-b", "32", "-e", "floating-point", out], check=True)
        s, sr = sf.read(out, dtype="float64")
    assert sr == 16000
    return s


def golden_input(speech, n, start, seed):
    s = speech[start:start + n]
    s = 0.1 * s / np.sqrt(np.mean(s ** 2) + 1e-12)
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(n + 4096)
    W = np.fft.rfft(w)
    f = np.arange(len(W)) + 1.0
    pink = np.fft.irfft(W / np.sqrt(f), n=len(w))[:n]
    t = np.arange(n) / 16000
    hum = sum(np.sin(2 * np.pi * 50 * h * t + h) / h for h in range(1, 8))
    noise = pink / np.std(pink) + 0.3 * hum
    noise *= np.sqrt(np.mean(s ** 2) / np.mean(noise ** 2)) * 10 ** (-5 / 20)
    return (s + noise).astype(np.float32)


def margins(ref, o, b):
    """Smallest |score| and smallest gap between the k-th and (k+1)-th score: how far the gate
    decisions are from a flip (a float32 engine should reproduce them exactly when these are large)."""
    s = o["scores"]
    k = macformula.budget_k(b, ref.C)
    srt = -np.sort(-s, axis=2)
    m0 = float(np.abs(s).min())
    mk = float((srt[:, :, k - 1] - srt[:, :, k]).min()) if k < ref.C else float("inf")
    return m0, mk


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("out")
    ap.add_argument("--frames", type=int, default=64)
    a = ap.parse_args()
    with open(a.model, "rb") as f:
        mbuf = f.read()
    md, t = container.read(mbuf)
    ref = Reference(md, t)
    T = a.frames
    n = T * ref.hop
    speech = tts_speech()
    # candidates: windows of the utterance x noise seeds; keep the one whose gate decisions are
    # farthest from a flip (largest minimum margin at both budgets)
    e = np.convolve(speech ** 2, np.ones(n), "valid")
    starts = [int(v) for v in np.linspace(0, len(speech) - n, 8)]
    starts = [st for st in starts if e[st] > 0.3 * e.max()] or [int(np.argmax(e))]
    best = None
    for st in starts:
        for seed in (2024, 2025, 2026):
            x = golden_input(speech, n, st, seed)
            m = min(min(margins(ref, ref.run(x.astype(np.float64), b, record=True), b)) for b in (1.0, 0.25))
            if best is None or m > best[0]:
                best = (m, x, st, seed)
    _, x, st, seed = best
    print(f"golden input: flite slt window at sample {st}, noise seed {seed}, min gate margin {best[0]:.2e}")
    x64 = x.astype(np.float64)
    tensors = [("input", x)]
    for tag, b in (("b100", 1.0), ("b025", 0.25)):
        o = ref.run(x64, b, record=True)
        tensors += [(f"{tag}.scores", o["scores"].astype(np.float32)),
                    (f"{tag}.gates", o["gates"].astype(np.float32)),
                    (f"{tag}.mask", o["mask"].astype(np.float32)),
                    (f"{tag}.output", o["output"].astype(np.float32))]
        if ref.vad is not None:  # the optional speech-activity head's per-frame probability
            tensors += [(f"{tag}.speech_probability", o["speech_probability"].astype(np.float32))]
        margin0, margin_k = margins(ref, o, b)
        print(f"{tag}: active fraction {o['gates'].mean():.3f}, min |score| {margin0:.2e}, "
              f"min gap at the cap {margin_k:.2e}, mask range [{o['mask'].min():.3f}, {o['mask'].max():.3f}], "
              f"executed MACs/frame {ref.executed_macs(o['active']).mean():.0f} (dense {ref.dense_macs()})")
    model_crc = struct.unpack("<I", mbuf[-4:])[0]
    meta = container.entries(md)
    meta += [("golden_frames", 0, T), ("model_crc32", 0, struct.unpack("<i", struct.pack("<I", model_crc))[0])]
    buf = container.write(a.out, meta, tensors)
    md2, t2 = container.read(a.out)
    assert md2["golden_frames"] == T and all(np.array_equal(t2[n], v) for n, v in tensors)
    print(f"wrote {a.out}: {len(buf)} bytes, {T} frames, model CRC32 {model_crc:08x}, "
          f"file CRC32 {zlib.crc32(buf[:-4]) & 0xFFFFFFFF:08x}")


if __name__ == "__main__":
    main()
