"""Quality: Hush at every budget and the peers on a folder of mixtures, scored twice — by Hush's
own metrics (`hush eval`, the primary numbers) and by the reference implementations
(`../shared/peers/score.py`: the `pesq` package = ITU-T P.862 code, `pystoi`) as a cross-check."""
import json
import subprocess
import sys

from common import (BUDGETS, HUSH, PEERS, PEERS_DIR, hush_model_args, log, parse_denoise, run)
from evalset import system_dir


def denoise_with_hush(cfg, noisy_dir, out_root, names):
    """Runs `hush denoise` per file and budget; returns per-budget totals from its summaries."""
    stats = {}
    for b in BUDGETS:
        out = out_root / f"hush-b{b:.2f}"
        out.mkdir(parents=True, exist_ok=True)
        seconds = processing = executed = 0.0
        for n in names:
            s = parse_denoise(run([HUSH, "denoise", "--overwrite", "--budget", b, *hush_model_args(cfg),
                                   noisy_dir / n, out / n])[0])
            seconds += s["duration"]; processing += s["processing_seconds"]
            executed += s["executed_mmac_s"] * s["duration"]
            dense, latency = s["dense_mmac_s"], s["latency_ms"]
        stats[b] = {"dir": out, "seconds": seconds, "rtf": processing / seconds,
                    "executed_mmac_s": executed / seconds, "dense_mmac_s": dense, "latency_ms": latency}
        log(f"hush b={b}: {seconds:.0f} s, RTF {processing / seconds:.4f}, {executed / seconds:.2f} MMAC/s")
    return stats


def peer_outputs(cfg, noisy_dir, names, out_root):
    """Peer outputs for `names`: reused from EVAL_DIR/peers/<peer> when complete, else run."""
    dirs = {}
    for p in PEERS:
        cached = cfg.eval_dir / "peers" / p
        if all((cached / n).exists() for n in names):
            dirs[p] = cached
            continue
        log(f"running {p} over {len(names)} files")
        run([sys.executable, PEERS_DIR / "run_peers.py", noisy_dir, out_root, p])
        dirs[p] = out_root / p
    return dirs


def score(base, clean_dir, manifest, systems, names):
    """systems: {name: folder}. Returns {name: {"hush": {...}, "reference": {...}}}."""
    linked = {s: system_dir(base, s, d, names) for s, d in systems.items()}
    # The reference scorer runs beside Hush's (two cores), writing <folder>/scores.json.
    reference = subprocess.Popen([sys.executable, str(PEERS_DIR / "score.py"), str(clean_dir), str(manifest),
                                  *map(str, linked.values())], stdout=subprocess.PIPE, text=True)
    results = {}
    for s, d in linked.items():
        out, _ = run([HUSH, "eval", "--clean-dir", clean_dir, "--enhanced-dir", d, "--json"])
        results[s] = {"hush": json.loads(out)}
    table, _ = reference.communicate()
    if reference.returncode != 0:
        raise RuntimeError("score.py failed")
    for s, d in linked.items():
        results[s]["reference"] = json.loads((d / "scores.json").read_text())
    log("scored " + ", ".join(linked))
    return results, table


def summarise(scored):
    """Per system: Hush-metric means, reference means, and the largest per-file disagreement."""
    keys = ["pesq_wb", "pesq_nb", "stoi", "estoi", "si_sdr"]
    out = {}
    for s, r in scored.items():
        files = {f["name"]: f for f in r["hush"]["files"]}
        ref = {f["name"]: f for f in r["reference"]}
        row = {"hush": {}, "reference": {}, "max_abs_diff": {}, "worst_file": {}}
        for k in keys:
            h = [files[n].get(k) for n in ref if n in files]
            x = [ref[n][k] for n in ref if n in files]
            pairs = [(a, b) for a, b in zip(h, x) if a is not None and b == b]
            row["hush"][k] = sum(a for a, _ in pairs) / len(pairs) if pairs else float("nan")
            row["reference"][k] = sum(b for _, b in pairs) / len(pairs) if pairs else float("nan")
            diffs = [(abs(files[n][k] - ref[n][k]), n) for n in ref
                     if n in files and files[n].get(k) is not None and ref[n][k] == ref[n][k]]
            row["max_abs_diff"][k], row["worst_file"][k] = max(diffs, default=(float("nan"), None))
        out[s] = row
    return out
