"""The engine's speech-activity test fixtures (Tests/HushTests/Network/SpeechActivityTests.swift):
a tiny model (R 8, C 16, G 4, B 3, random weights) with a speech-activity head, the same model
without one, and one with a mis-shaped head. The head file also holds its golden expectations as
extra tensors, which a model reader ignores (FORMAT.md: unknown tensors are ignored):
  input [N]                        1.6 s (from 0.5 s on) of audio-fixtures/noisy-speech-16k.wav (100 frames)
  <tag>.speech_probability [T]     reference.py's head output, float64 rounded to float32
  <tag>.active [T, B]              active channels per block (to tell a gate flip from a head bug)
for tag b100 (b = 1) and b050 (b = 0.5).

  python vad_fixture.py ../Tests/HushTests/Network/Fixtures
"""
import argparse
import os

import numpy as np
import soundfile as sf
import torch

import container
import export
import hushnet
import vadhead
from reference import Reference

FRAMES = 100


def tiny_model(seed=15):
    torch.manual_seed(seed)
    m = hushnet.HushNet(R=8, C=16, G=4, B=3)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        m.feat_mean.copy_(-9.0 + torch.randn(hushnet.BINS, generator=g))
        m.feat_std.copy_(3.0 + torch.rand(hushnet.BINS, generator=g))
        for blk in m.blocks:
            blk.gate2.bias.copy_(0.5 * torch.randn(blk.C, generator=g))
    m.eval()
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    x, sr = sf.read(os.path.join(here, "..", "audio-fixtures", "noisy-speech-16k.wav"), dtype="float32")
    x = x[8000:8000 + FRAMES * hushnet.HOP].astype(np.float32)
    m = tiny_model()
    m.attenuation_limit_db = 20.0
    os.makedirs(a.out_dir, exist_ok=True)
    no_head = os.path.join(a.out_dir, "vad_tiny_nohead.hush")
    export.write_model(m, no_head, [("trained", 0, 0)])
    ref = Reference(*container.read(no_head))
    # A head that spreads its probabilities over (0, 1) on this input: random weights, bias at the mean logit.
    rng = np.random.default_rng(15)
    w = np.stack([rng.normal(0, 6, 3), rng.normal(0, 1.5, 3)]).astype(np.float32)
    o = ref.run(x.astype(np.float64), 1.0)
    frac = o["active"] / 16.0
    z = frac @ w[0].astype(np.float64)
    b = np.float32(-z.mean())
    head = (w, b, 0.6)
    md = [("trained", 0, 0)]
    names = hushnet.tensor_order(3)
    t = hushnet.export_tensors(m)
    meta = hushnet.model_metadata(8, 16, 4, 3, 3, 20.0) + md + [("vad_smoothing", 1, head[2])]
    # mis-shaped: vad.weight [3, 2] instead of [2, B] = [2, 3]
    container.write(os.path.join(a.out_dir, "vad_tiny_badhead.hush"), meta,
                    [(n, t[n]) for n in names] + [("vad.weight", w.reshape(3, 2)), ("vad.bias", np.array([b]))])
    path = os.path.join(a.out_dir, "vad_tiny.hush")
    container.write(path, *vadhead.with_head(*container.read(no_head), w, b, head[2]))
    ref = Reference(*container.read(path))
    extra = [("input", x)]
    for tag, budget in (("b100", 1.0), ("b050", 0.5)):
        o = ref.run(x.astype(np.float64), budget, record=True)
        p = o["speech_probability"]
        margin = np.abs(o["scores"]).min()
        print(f"{tag}: p in [{p.min():.3f}, {p.max():.3f}], mean {p.mean():.3f}, smallest |score| {margin:.2e}")
        extra += [(f"{tag}.speech_probability", p.astype(np.float32)),
                  (f"{tag}.active", o["active"].astype(np.float32))]
    container.write(path, meta, [(n, t[n]) for n in names] + [("vad.weight", w), ("vad.bias", np.array([b]))] + extra)
    for f in ("vad_tiny.hush", "vad_tiny_nohead.hush", "vad_tiny_badhead.hush"):
        print(f, os.path.getsize(os.path.join(a.out_dir, f)), "bytes")


if __name__ == "__main__":
    main()
