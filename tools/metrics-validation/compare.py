#!/usr/bin/env python3
"""Compares Hush's metrics (hush eval --json) with the oracle table and prints agreement.

usage: compare.py SET_DIR ORACLE.csv HUSH_BINARY [COMPOSITE_ORACLE.csv]
Per metric: pairs scored, max |Swift − reference|, mean |Δ|, and the fraction within the
issue's tolerance (PESQ 0.02 MOS with none above 0.1; STOI/ESTOI 0.002; SI-SDR and segSNR 0.01 dB;
with the composite oracle also PESQ WB with Corrigendum 2 0.001, CSIG/CBAK/COVL 0.01, and their
parts: the PESQ term 0.001, LLR 0.001, WSS 0.01, fwSegSNR 0.01 dB). Then PESQ's time on a 10 s
pair (16 kHz), median of 5 runs, single thread.
"""
import csv, json, os, subprocess, sys, tempfile
import numpy as np
import soundfile as sf

METRICS = [("pesq_nb", 0.02, 0.1), ("pesq_wb", 0.02, 0.1), ("stoi", 0.002, 0.002),
           ("estoi", 0.002, 0.002), ("si_sdr", 0.01, 0.01), ("seg_snr", 0.01, 0.01)]
COMPOSITE_METRICS = [("pesq_wb_c2", 0.001, 0.001), ("composite_pesq", 0.001, 0.001), ("llr", 0.001, 0.001),
                     ("llr_composite", 0.001, 0.001), ("wss", 0.01, 0.01), ("fw_seg_snr", 0.01, 0.01),
                     ("csig", 0.01, 0.01), ("cbak", 0.01, 0.01), ("covl", 0.01, 0.01)]


def main():
    root, oracle_path, hush = sys.argv[1:4]
    oracle = {r["id"]: r for r in csv.DictReader(open(oracle_path))}
    metrics = list(METRICS)
    if len(sys.argv) > 4:  # the composite oracle: its columns join the table, row by row
        for r in csv.DictReader(open(sys.argv[4])):
            oracle[r["id"]].update({k: v for k, v in r.items() if k not in ("rate", "degradation", "seg_snr")})
        metrics += COMPOSITE_METRICS
    out = subprocess.run([hush, "eval", "--clean-dir", os.path.join(root, "clean"),
                          "--enhanced-dir", os.path.join(root, "enhanced"), "--json"],
                         check=True, capture_output=True, text=True).stdout
    ours = {os.path.splitext(f["name"])[0]: f for f in json.loads(out)["files"]}
    print(f"{'metric':14} {'pairs':>5} {'max|Δ|':>9} {'mean|Δ|':>9} {'within':>8} {'tolerance':>10} {'>limit':>6}")
    failed = False
    worst = []
    for key, tolerance, limit in metrics:
        deltas = []
        for pid, row in oracle.items():
            if row[key] == "":
                continue
            mine = ours.get(pid, {}).get(key)
            if mine is None:
                deltas.append(float("inf"))
                continue
            deltas.append(abs(mine - float(row[key])))
            worst.append((deltas[-1] / tolerance, key, pid, mine, float(row[key]), row["degradation"]))
        d = np.array(deltas)
        within = np.mean(d <= tolerance + 1e-9)
        over = int(np.sum(d > limit + 1e-9))
        print(f"{key:14} {len(d):5d} {d.max():9.5f} {d.mean():9.5f} {within:8.1%} {tolerance:10} {over:6d}")
        need = 0.95 if key in ("pesq_nb", "pesq_wb") else 1.0
        failed |= within < need or over > 0
    print("\nlargest deviations (in units of tolerance):")
    for ratio, key, pid, mine, ref, desc in sorted(worst, reverse=True)[:8]:
        print(f"  {key:14} {pid} swift {mine:.4f} ref {ref:.4f} ({ratio:.2f}×)  {desc}")

    with tempfile.TemporaryDirectory() as d:
        rng = np.random.default_rng(7)
        clean = []
        for pid in sorted(oracle):
            if oracle[pid]["rate"] == "16000" and sum(map(len, clean)) < 160000:
                x, _ = sf.read(os.path.join(root, "clean", pid + ".wav"))
                clean.append(x)
        x = np.concatenate(clean)[:160000]
        y = x + rng.standard_normal(len(x)) * np.std(x) * 10 ** (-10 / 20)
        sf.write(os.path.join(d, "c.wav"), x, 16000, subtype="PCM_16")
        sf.write(os.path.join(d, "e.wav"), np.clip(y, -1, 1), 16000, subtype="PCM_16")
        keys = ["pesq_nb_seconds", "pesq_wb_seconds", "pesq_nb_cpu_seconds", "pesq_wb_cpu_seconds"]
        times = {k: [] for k in keys}
        for _ in range(5):
            r = json.loads(subprocess.run([hush, "eval", "--clean", os.path.join(d, "c.wav"), "--enhanced",
                                           os.path.join(d, "e.wav"), "--json"], check=True,
                                          capture_output=True, text=True).stdout)["files"][0]
            for k in keys:
                times[k].append(r[k])
        med = {k: np.median(v) for k, v in times.items()}
        print(f"\nPESQ on a {len(x) / 16000:.1f} s pair at 16 kHz, median of 5, single thread "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):\n"
              f"  NB {med['pesq_nb_seconds']:.3f} s wall, {med['pesq_nb_cpu_seconds']:.3f} s CPU;"
              f"  WB {med['pesq_wb_seconds']:.3f} s wall, {med['pesq_wb_cpu_seconds']:.3f} s CPU")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
