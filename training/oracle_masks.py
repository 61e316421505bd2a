"""Ceilings: what a gain at the engine's framing could reach if it were estimated perfectly, and how
a model's own gain splits into speech damage and noise left in.

For every mixture of a scored set (SETDIR/noisy, SETDIR/clean; noise = noisy - clean), with the
engine's STFT (FORMAT.md: 512/256, sqrt-Hann) and its gain step (floor + (1 - floor) mask):

  oracle_iam_l20 / _l30 / (none)   the ideal amplitude mask min(|S|/|X|, 1) per bin, at an
                                   attenuation limit of 20 dB (the bundled default), 30 dB, none
  oracle_erb32_l20 / (none)        one gain per band on 32 ERB-spaced bands (sqrt of the band's
                                   clean/noisy energy ratio, at most 1): what band gains could do
  clean_roundtrip                  the clean part through the STFT and back, no gain (the framing's
                                   own ceiling)
  PREFIX_speechpart                the model's own gain (b = 1, the file's limit) applied to the
                                   clean part alone: scored against clean, it measures the speech
                                   damage with the noise taken out of the picture

and prints the mean noise attenuation (noise energy in, over noise energy after the gain) of the
model's gain and of the 20 dB oracle. Score the folders with ../shared/peers/score.py and
results_table.py like any system's output:

  python oracle_masks.py /work/data/realtest --model ../models/hush-default.hush --prefix v1
  (cd /work/data/realtest && $PEERS_PY ../../shared/peers/score.py clean MANIFEST oracle_* v1_speechpart)
"""
import argparse
import glob
import os

import numpy as np
import soundfile as sf
import torch

import evaluate
import hushnet


def erb_band_edges(bands, bins=hushnet.BINS, sr=hushnet.SR):
    """Bin edges of `bands` bands equally spaced on the ERB-rate scale (Glasberg & Moore) from 0 Hz
    to Nyquist; bands narrower than one bin at the bottom merge, so fewer may come back."""
    erb_rate = lambda f: 21.4 * np.log10(1 + 0.00437 * f)
    hz = (10 ** (np.linspace(0, erb_rate(sr / 2), bands + 1) / 21.4) - 1) / 0.00437
    edges = np.unique(np.round(hz / (sr / 2) * (bins - 1)).astype(int))
    edges[-1] = bins
    return edges


def band_gain(S, X, edges):
    """sqrt(clean energy / noisy energy) in each band, at most 1, spread over the band's bins."""
    g = torch.zeros_like(X.real)
    for a, b in zip(edges[:-1], edges[1:]):
        ratio = (S[..., a:b].abs() ** 2).sum(-1) / ((X[..., a:b].abs() ** 2).sum(-1) + 1e-12)
        g[..., a:b] = ratio.sqrt().clamp(max=1)[..., None]
    return g


def noise_attenuation_db(N, g):
    return 10 * np.log10((N.abs() ** 2).sum().item() / max(((g * N).abs() ** 2).sum().item(), 1e-20))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("setdir")
    ap.add_argument("--model", help="also split this model file's gain (b = 1) into speech damage and noise left")
    ap.add_argument("--prefix", default="model")
    a = ap.parse_args()
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(a.setdir, "noisy", "*.wav")))
    if not names:
        raise SystemExit(f"error: no WAV files in {a.setdir}/noisy")
    try:
        model = evaluate.model_from_file(a.model) if a.model else None
    except (OSError, ValueError, KeyError) as e:
        raise SystemExit(f"error: --model {a.model}: not a readable Hush model file ({e})")
    erb32 = erb_band_edges(32)
    atten = {"oracle_iam_l20": []}
    if model:
        atten[a.prefix] = []
    for name in names:
        x, sr = sf.read(os.path.join(a.setdir, "noisy", name))
        c, _ = sf.read(os.path.join(a.setdir, "clean", name))
        assert sr == hushnet.SR and len(c) == len(x), name
        X = hushnet.stft(evaluate.flush_padded(x).double())
        S = hushnet.stft(evaluate.flush_padded(c).double())
        iam = (S.abs() / X.abs().clamp_min(1e-12)).clamp(max=1)
        gains = {
            "oracle_iam_l20": hushnet.limited_gain(iam, 20.0),
            "oracle_iam_l30": hushnet.limited_gain(iam, 30.0),
            "oracle_iam": iam,
            "oracle_erb32_l20": hushnet.limited_gain(band_gain(S, X, erb32), 20.0),
            "oracle_erb32": band_gain(S, X, erb32),
        }
        outputs = {k: X * g for k, g in gains.items()}
        outputs["clean_roundtrip"] = S
        atten["oracle_iam_l20"].append(noise_attenuation_db(X - S, gains["oracle_iam_l20"]))
        if model:
            m, md, _ = model
            with torch.no_grad():
                _, mask, _ = m(evaluate.flush_padded(x), budget=1.0)
            g = hushnet.limited_gain(mask.double(), md.get("attenuation_limit_db"))
            outputs[f"{a.prefix}_speechpart"] = S * g
            atten[a.prefix].append(noise_attenuation_db(X - S, g))
        for folder, Y in outputs.items():
            os.makedirs(os.path.join(a.setdir, folder), exist_ok=True)
            y = evaluate.delay_compensated(hushnet.istft(Y), len(x))
            sf.write(os.path.join(a.setdir, folder, name), y, sr, subtype="FLOAT")
    print(f"{len(names)} mixtures; ERB bands: {len(erb32) - 1}")
    for k, v in atten.items():
        print(f"{k}: mean noise attenuation {np.mean(v):.2f} dB")


if __name__ == "__main__":
    main()
