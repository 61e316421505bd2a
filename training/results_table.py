"""Combine score.py's per-folder scores.json with evaluate.py's measured MACs into the RESULTS.md
tables (overall, per SNR, per noise type).

  python results_table.py /work/data/eval noisy hush_b100 hush_b075 hush_b050 hush_b025 \
      peers/rnnoise peers/speex peers/dfn3 peers/noisereduce
  python results_table.py --manifest realnoise_manifest.csv /work/data/realtest noisy hush_b100 ...
      (the per-noise table by the manifest's category column: the real-noise sets)
"""
import json
import os
import sys

import numpy as np


def mean(rows, k, f=lambda r: True):
    v = [r[k] for r in rows if f(r) and not np.isnan(r[k])]
    return float(np.mean(v)) if v else float("nan")


def main():
    args = sys.argv[1:]
    category = {}
    if args[:1] == ["--manifest"]:
        import csv
        category = {r["name"]: r["category"] for r in csv.DictReader(open(args[1]))}
        args = args[2:]
    ev, dirs = args[0], args[1:]
    macs = {}
    for f in os.listdir(ev):
        if f.endswith("_macs.json"):
            j = json.load(open(os.path.join(ev, f)))
            for tag, v in j["budgets"].items():
                macs[tag] = (v, j)
    data = {d: json.load(open(os.path.join(ev, d, "scores.json"))) for d in dirs}
    for rows in data.values():
        for r in rows:
            r["noise"] = category.get(r["name"], r["noise"])
    noisy = data.get("noisy")
    base = mean(noisy, "pesq_wb") if noisy else float("nan")
    print("| system | PESQ-WB | ΔPESQ-WB vs noisy | STOI | SI-SDR dB | executed MMAC/s (measured) | % of dense |")
    print("|---|---|---|---|---|---|---|")
    for d, rows in data.items():
        tag = os.path.basename(d)
        if tag in macs:
            v, j = macs[tag]
            mc = f"{v['executed_mmac_s']:.2f} | {100 * v['fraction_of_dense']:.1f}%"
        else:
            mc = "– | –"
        pw = mean(rows, "pesq_wb")
        print(f"| {tag} | {pw:.3f} | {pw - base:+.3f} | {mean(rows, 'stoi'):.3f} | {mean(rows, 'si_sdr'):.2f} | {mc} |")
    print()
    first = next(iter(data.values()))
    snrs = sorted({r["snr"] for r in first})
    print("| system | " + " | ".join(f"PESQ-WB {s} dB" for s in snrs) + " | " + " | ".join(f"SI-SDR {s} dB" for s in snrs) + " |")
    print("|---|" + "---|" * (2 * len(snrs)))
    for d, rows in data.items():
        print(f"| {os.path.basename(d)} | " + " | ".join(f"{mean(rows, 'pesq_wb', lambda r, s=s: r['snr'] == s):.2f}" for s in snrs)
              + " | " + " | ".join(f"{mean(rows, 'si_sdr', lambda r, s=s: r['snr'] == s):.2f}" for s in snrs) + " |")
    print()
    kinds = sorted({r["noise"] for r in first})
    print("| system (PESQ-WB by noise) | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for d, rows in data.items():
        print(f"| {os.path.basename(d)} | " + " | ".join(f"{mean(rows, 'pesq_wb', lambda r, k=k: r['noise'] == k):.2f}" for k in kinds) + " |")


if __name__ == "__main__":
    main()
