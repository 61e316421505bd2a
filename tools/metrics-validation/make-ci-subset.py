#!/usr/bin/env python3
"""Copies a small, varied subset of the validation set into the test target (FLAC, ≤ 2 MB).

usage: make-ci-subset.py SET_DIR ORACLE.csv TESTS_VALIDATION_DIR [COMPOSITE_ORACLE.csv]
One pair per degradation family (the shortest), rates alternating between families, so every
kind of degradation the full set has is in CI and both rates are. With the composite oracle,
its rows for the same pairs go to oracle-composite.csv beside the subset's oracle.csv.
"""
import csv, os, sys
import soundfile as sf

FAMILIES = ["white", "pink noise", "brown", "hum", "babble", "modulated", "codec gsm", "codec ulaw",
            "codec alaw", "ima-adpcm", "clipping", "delay", ", +", "level", "lowpass", "highpass",
            "sinc", "overdrive", "reverb", "clipped at", "dropout", "repeated", "skipped", "DC offset",
            "edge: delay", "short", "gain ramp"]
# Pairs that exercise a quirk of the reference no family choice is sure to hit: p383 (8 kHz,
# independent noises) splits utterances with the split search's overwritten window.
REQUIRED = ["p383"]
BUDGET = 2_000_000


def main():
    root, oracle, dest = sys.argv[1:4]
    rows = list(csv.DictReader(open(oracle)))
    length = {r["id"]: sf.info(os.path.join(root, "enhanced", r["id"] + ".wav")).frames / int(r["rate"]) for r in rows}
    # One pair per family, the rate alternating from family to family so both rates (and
    # WB at 16 kHz) are covered; the shortest pair of that family and rate.
    chosen = [r for r in rows if r["id"] in REQUIRED]
    for i, family in enumerate(FAMILIES):
        for rate in (("16000", "8000") if i % 2 == 0 else ("8000", "16000")):
            candidates = sorted((r for r in rows if family in r["degradation"] and r["rate"] == rate
                                 and r["pesq_nb"] and "long" not in r["degradation"] and r not in chosen),
                                key=lambda r: length[r["id"]])
            if candidates:
                chosen.append(candidates[0])
                break
    for sub in ("clean", "enhanced"):
        os.makedirs(os.path.join(dest, sub), exist_ok=True)
    total = 0
    kept = []
    for r in chosen:
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
        w.writerows(sorted(kept, key=lambda r: r["id"]))
    if len(sys.argv) > 4:
        ids = {r["id"] for r in kept}
        composite = [r for r in csv.DictReader(open(sys.argv[4])) if r["id"] in ids]
        with open(os.path.join(dest, "oracle-composite.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(composite[0].keys()))
            w.writeheader()
            w.writerows(sorted(composite, key=lambda r: r["id"]))
    print(f"{len(kept)} pairs, {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
