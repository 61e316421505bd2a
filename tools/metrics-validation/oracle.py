#!/usr/bin/env python3
"""Scores the validation set with the reference implementations and writes the oracle table.

usage: oracle.py SET_DIR OUT.csv
Oracles: `pesq` 0.0.4 (ITU-T P.862 reference C code, without Corrigendum 2) for PESQ NB
(P.862 + P.862.1) at 8 and 16 kHz and PESQ WB (P.862.2) at 16 kHz; `pystoi` 0.4.1 for STOI and
ESTOI; numpy (float64) for SI-SDR. Empty cells: the oracle does not define the score (pystoi
and SI-SDR need equal lengths; WB needs 16 kHz; pesq raised an error).
"""
import csv, os, sys
import numpy as np
import soundfile as sf
from pesq import pesq
from pystoi import stoi


def si_sdr(s, e):
    s, e = s - s.mean(), e - e.mean()
    t = np.dot(e, s) / np.dot(s, s) * s
    return 10 * np.log10(np.sum(t ** 2) / np.sum((e - t) ** 2))


def fmt(v):
    return "" if v is None else f"{v:.6f}"


def main():
    root, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(root, "pairs.csv")) as f:
        pairs = list(csv.DictReader(f))
    rows = []
    for p in pairs:
        x, rx = sf.read(os.path.join(root, "clean", p["id"] + ".wav"))
        y, ry = sf.read(os.path.join(root, "enhanced", p["id"] + ".wav"))
        assert rx == ry
        def safe(f):
            try:
                return f()
            except Exception as err:  # the oracle refused the pair: leave the cell empty
                print(p["id"], "oracle error:", err, file=sys.stderr)
                return None
        nb = safe(lambda: pesq(rx, x, y, "nb"))
        wb = safe(lambda: pesq(rx, x, y, "wb")) if rx == 16000 else None
        same = len(x) == len(y)
        st = safe(lambda: stoi(x, y, rx)) if same else None
        es = safe(lambda: stoi(x, y, rx, extended=True)) if same else None
        sd = si_sdr(x, y) if same else None
        rows.append([p["id"], rx, fmt(nb), fmt(wb), fmt(st), fmt(es), fmt(sd), p["degradation"]])
        print(p["id"], rx, fmt(nb), fmt(wb), fmt(st), fmt(es), fmt(sd), p["degradation"], flush=True)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "rate", "pesq_nb", "pesq_wb", "stoi", "estoi", "si_sdr", "degradation"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
