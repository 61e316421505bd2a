"""Choose the model file's attenuation limit on the development set (make_evalset.py --dev), never
on the test set: enhance every dev mixture with the exported model at b = 1 under each candidate
limit and print mean PESQ-WB (ITU P.862.2 via the `pesq` package, as score.py) overall and per SNR.
Outputs are rounded to 16-bit PCM before scoring, as the written files are.

  python tune_limit.py models/hush-default.hush /work/data/dev [--limits 12 15 18 20 24 30 0]
(0 = no limit.) The best limit goes into export.py's DEFAULT_ATTENUATION_LIMIT_DB.
"""
import argparse
import csv
import os

import numpy as np
import soundfile as sf
import torch
from pesq import pesq

import hushnet
from evaluate import delay_compensated, flush_padded, model_from_file

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("devdir")
    ap.add_argument("--limits", type=float, nargs="+", default=[12, 15, 18, 20, 24, 30, 0])
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("--manifest", default=os.path.join(HERE, "dev_manifest.csv"))
    a = ap.parse_args()
    torch.set_num_threads(2)
    m, _, _ = model_from_file(a.model)
    rows = list(csv.DictReader(open(a.manifest)))
    scores = {L: [] for L in a.limits}
    for r in rows:
        c, _ = sf.read(os.path.join(a.devdir, "clean", r["name"]), dtype="float64")
        x, _ = sf.read(os.path.join(a.devdir, "noisy", r["name"]), dtype="float64")
        with torch.no_grad():
            X = hushnet.stft(flush_padded(x))
            mask, _ = m.mask_from_spec(X, a.budget)  # once: the limit does not change the network
            for L in a.limits:
                y = delay_compensated(hushnet.istft(hushnet.limited_gain(mask, L if L > 0 else None) * X), len(x))
                y = np.round(np.clip(y, -1, 32767 / 32768) * 32768) / 32768
                scores[L].append(pesq(16000, c, y, "wb"))
    snrs = sorted({int(r["snr_db"]) for r in rows})
    print(f"{a.devdir} ({os.path.basename(a.manifest)}): {len(rows)} mixtures, budget {a.budget:g}, model {a.model}")
    print("| attenuation limit | PESQ-WB | " + " | ".join(f"{s} dB" for s in snrs) + " |")
    print("|---|---|" + "---|" * len(snrs))
    for L in a.limits:
        v = np.array(scores[L])
        per = [v[[int(r["snr_db"]) == s for r in rows]].mean() for s in snrs]
        print(f"| {f'{L:g} dB' if L > 0 else 'none'} | {v.mean():.3f} | " + " | ".join(f"{p:.2f}" for p in per) + " |")
    best = max(a.limits, key=lambda L: np.mean(scores[L]))
    print(f"best: {f'{best:g} dB' if best > 0 else 'none'}")


if __name__ == "__main__":
    main()
