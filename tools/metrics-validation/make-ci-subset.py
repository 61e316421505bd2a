#!/usr/bin/env python3
"""Copies a small, varied subset of the validation set into the test target (FLAC, ≤ 2 MB).

usage: make-ci-subset.py SET_DIR ORACLE.csv TESTS_VALIDATION_DIR
Per degradation family and rate, the shortest pair is taken, so every kind of degradation the
full set has is in CI, at both rates.
"""
import csv, os, sys
import soundfile as sf

FAMILIES = ["white", "pink noise", "brown", "hum", "babble", "modulated", "codec gsm", "codec ulaw",
            "codec alaw", "ima-adpcm", "clipping", "delay", ", +", "level", "lowpass", "highpass",
            "sinc", "overdrive", "reverb", "clipped at"]
BUDGET = 2_000_000


def main():
    root, oracle, dest = sys.argv[1:4]
    rows = list(csv.DictReader(open(oracle)))
    length = {r["id"]: sf.info(os.path.join(root, "enhanced", r["id"] + ".wav")).frames / int(r["rate"]) for r in rows}
    chosen = []
    for family in FAMILIES:
        for rate in ("8000", "16000"):
            candidates = sorted((r for r in rows if family in r["degradation"] and r["rate"] == rate
                                 and r["pesq_nb"] and r not in chosen), key=lambda r: length[r["id"]])
            if candidates:
                chosen.append(candidates[0])
    for sub in ("clean", "enhanced"):
        os.makedirs(os.path.join(dest, sub), exist_ok=True)
    total = 0
    kept = []
    for r in sorted(chosen, key=lambda r: r["id"]):
        for sub in ("clean", "enhanced"):
            x, rate = sf.read(os.path.join(root, sub, r["id"] + ".wav"), dtype="int16")
            sf.write(os.path.join(dest, sub, r["id"] + ".flac"), x, rate, subtype="PCM_16")
        size = sum(os.path.getsize(os.path.join(dest, s, r["id"] + ".flac")) for s in ("clean", "enhanced"))
        if total + size > BUDGET:
            for s in ("clean", "enhanced"):
                os.remove(os.path.join(dest, s, r["id"] + ".flac"))
            continue
        total += size
        kept.append(r)
    with open(os.path.join(dest, "oracle.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(kept)
    print(f"{len(kept)} pairs, {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
