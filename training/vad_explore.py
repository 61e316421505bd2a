"""What a linear read-out of the network can do for speech activity, on the development set only
(VAD.md, "What it would take"): the exported head's features (per-block active fractions and mean
gate scores) against richer free readings of the same frame, each a logistic regression fitted on
the same training-material mixtures (vadhead.fit_material) with the same smoothing, and a ceiling:
the same regressions fitted on the dev set itself, leave-one-recording-out.

Extra features (all computed by the frame anyway):
  kept      log10(sum_f g_f^2 |X_f|^2 / sum_f |X_f|^2), the share of the frame's energy the gain keeps
  residual  the R values of the residual stream after the last block (what the back-end reads)

  python vad_explore.py MODEL.hush [--material /work/data/material]   # -> logs/vad_explore.txt
"""
import argparse

import numpy as np

import reference
import vadhead
from vad_eval import load_set, rnnoise_probs

SMOOTHING = vadhead.DEFAULT_SMOOTHING


def readings(ref, x):
    """[T, 2B + 1 + R]: fractions, mean scores, kept, residual of one signal at b = 1."""
    o = vadhead.frame_parallel_forward(ref, x)
    gain = ref.gain_floor + (1 - ref.gain_floor) * o["mask"]
    P = o["power"]
    kept = np.log10(((gain ** 2) * P).sum(1) + 1e-10) - np.log10(P.sum(1) + 1e-10)
    return np.concatenate([o["fractions"], o["mean_scores"], kept[:, None], o["residual"]], 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--material", default="/work/data/material")
    a = ap.parse_args()
    ref = reference.load(a.model)
    vadhead.check_against_reference(ref)
    B = ref.B
    speech, noise = vadhead.list_material(a.material)
    fit_X, fit_y = [], []
    for noisy, clean in vadhead.mixtures(speech, noise):
        X = readings(ref, noisy)
        fit_X.append(vadhead.smooth(X, SMOOTHING, axis=0))
        fit_y.append(vadhead.labels_from_clean(clean)[:len(X)])
    dev = load_set("dev")
    dev_X = [vadhead.smooth(readings(ref, r["noisy"]), SMOOTHING, axis=0) for r in dev]
    dev_y = [r["labels"][:len(X)] for r, X in zip(dev, dev_X)]
    sources = np.array([r["name"].split("_")[0] for r in dev])
    gates = list(range(2 * B))
    sets = [("gate active fractions (the exported head)", list(range(B))),
            ("gate active fractions + mean scores", gates),
            ("gates + kept", gates + [2 * B]),
            ("residual", list(range(2 * B + 1, 2 * B + 1 + ref.R))),
            ("gates + kept + residual", list(range(2 * B + 1 + ref.R)))]
    y_fit, y_dev = np.concatenate(fit_y), np.concatenate(dev_y)
    q = np.concatenate([rnnoise_probs(r["noisy"], len(y)) for r, y in zip(dev, dev_y)])
    print(f"dev set: {len(dev)} files, {len(y_dev)} frames, {100 * y_dev.mean():.1f} % speech; smoothing {SMOOTHING:g}")
    print(f"RNNoise on the same frames: accuracy {100 * ((q > 0.5) == y_dev).mean():.1f} %, "
          f"AUC {vadhead.roc_auc(q, y_dev):.3f}\n")
    print("| read-out | weights | fit acc | dev acc | dev AUC | dev, fitted on the dev set (leave one recording out): acc | AUC |")
    print("|---|---|---|---|---|---|---|")
    for name, cols in sets:
        Xf = np.concatenate(fit_X)[:, cols]
        W, b = vadhead.fit_logistic(Xf, y_fit)
        zf = Xf @ W + b
        z = np.concatenate(dev_X)[:, cols] @ W + b
        zs, ys = [], []
        for s in sorted(set(sources)):
            train = [i for i in range(len(dev)) if sources[i] != s]
            Wl, bl = vadhead.fit_logistic(np.concatenate([dev_X[i][:, cols] for i in train]),
                                          np.concatenate([dev_y[i] for i in train]))
            zs += [dev_X[i][:, cols] @ Wl + bl for i in range(len(dev)) if sources[i] == s]
            ys += [dev_y[i] for i in range(len(dev)) if sources[i] == s]
        zl, yl = np.concatenate(zs), np.concatenate(ys)
        print(f"| {name} | {len(cols)} | {100 * ((zf > 0) == y_fit).mean():.1f} % | "
              f"{100 * ((z > 0) == y_dev).mean():.1f} % | {vadhead.roc_auc(z, y_dev):.3f} | "
              f"{100 * ((zl > 0) == yl).mean():.1f} % | {vadhead.roc_auc(zl, yl):.3f} |", flush=True)


if __name__ == "__main__":
    main()
