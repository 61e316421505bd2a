"""The quality-compute frontier (issue #15): a gated model at several budgets and static networks
of matched compute, measured in one run. Speed: one interleaved `hush-bench` run (network µs per
frame, single thread). Quality and executed MACs: `hush denoise` per file on each test set (its
summary's executed MMAC/s; a static's come from hush-bench, which runs it without its constant
gates), scored by `hush eval` (PESQ-WB as the P.862 code, STOI as pystoi).
Writes bench/results/frontier.json and frontier.png and prints one markdown table per set.

usage: bench/frontier [--gated PATH] [--static NAME=PATH ...] [--set NAME=DIR ...] [--work DIR] [--name STEM]
  --name: the results' file stem in bench/results/ (default frontier: frontier.json, frontier.png,
  frontier-speed.json), so that runs on different networks sit side by side.
  default: models/experiments/v2-candidate-gated.hush against static-c128/c96/c64 beside it, on
  the real-noise set /work/data/realtest and the procedural set /work/data/eval (this file is run
  by that script).
"""
import argparse
import json
import shutil
from pathlib import Path

from common import HUSH, HUSH_BENCH, RESULTS, ROOT, folder_name, log, parse_denoise, run

BUDGETS = [1.0, 0.75, 0.5, 0.35, 0.25, 0.15]
EXPERIMENTS = ROOT / "models" / "experiments"
DEFAULT_STATICS = {f"static C = {c}": EXPERIMENTS / f"static-c{c}.hush" for c in (128, 96, 64)}


def speed(gated, statics, json_path):
    """One interleaved hush-bench run -> ({label: network µs/frame}, {static label: executed MMAC/s}),
    labels as `systems` names them. hush-bench checks that each static's gates keep every channel on
    and then runs it without them, so its MACs are a static network's (no gate scoring)."""
    static_arg = ",".join(f"s{i}={p}" for i, p in enumerate(statics.values()))
    run([HUSH_BENCH, "--model", gated, "--budgets", ",".join(f"{b:g}" for b in BUDGETS), "--seconds", 10,
         "--rounds", 5, "--static-models", static_arg, "--json", json_path])
    rows = json.loads(Path(json_path).read_text())
    by_mode = {r["mode"]: r for r in rows}
    out = {f"gated b = {b:g}": by_mode[f"gated b={b}"]["network_microseconds_per_frame"] for b in BUDGETS}
    static_macs = {}
    for i, name in enumerate(statics):
        row = by_mode[f"static s{i}"]
        out[name] = row["network_microseconds_per_frame"]
        static_macs[name] = row["executed_mmac_per_second"]
    return out, static_macs


def systems(gated, statics):
    """[(label, model, budget, kind)] in table order."""
    return ([(f"gated b = {b:g}", gated, b, "gated") for b in BUDGETS]
            + [(name, path, 1.0, "static") for name, path in statics.items()])


def quality(set_dir, work, entries):
    """Denoises set_dir/noisy with every entry, file by file; returns {label: {...}}."""
    files = sorted((set_dir / "noisy").glob("*.wav"))
    out = {}
    for i, (label, model, budget, kind) in enumerate(entries):
        d = work / f"{i:02d}-{folder_name(label)}"
        # Only folders this script names are cleared, never --work itself.
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        seconds = executed = 0.0
        for f in files:
            s = parse_denoise(run([HUSH, "denoise", "--overwrite", "--model", model, "--budget", budget,
                                   f, d / f.name])[0])
            seconds += s["duration"]
            executed += s["executed_mmac_s"] * s["duration"]
        scores, _ = run([HUSH, "eval", "--clean-dir", set_dir / "clean", "--enhanced-dir", d, "--json"])
        mean = json.loads(scores)["mean"]
        out[label] = {"kind": kind, "budget": budget, "executed_mmac_s": executed / seconds,
                      "pesq_wb": mean["pesq_wb"], "stoi": mean["stoi"], "si_sdr": mean["si_sdr"]}
        log(f"{set_dir.name} {label}: {out[label]}")
    return out


def table(name, n, rows, micros):
    lines = [f"\n{name} ({n} mixtures)\n",
             "| network | executed MMAC/s | network µs/frame | PESQ-WB | STOI | SI-SDR |",
             "|---|---|---|---|---|---|"]
    for label, r in rows.items():
        lines.append(f"| {label} | {r['executed_mmac_s']:.1f} | {micros[label]:.1f} | {r['pesq_wb']:.3f} | "
                     f"{r['stoi']:.3f} | {r['si_sdr']:.2f} |")
    return "\n".join(lines)


def figure(results, micros, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sets = list(results)
    fig, axes = plt.subplots(len(sets), 2, figsize=(10, 3.6 * len(sets)), squeeze=False)
    for row, name in enumerate(sets):
        rows = results[name]["systems"]
        for col, (xkey, xlabel) in enumerate((("executed_mmac_s", "executed MMAC/s"),
                                              ("micros", "network µs/frame (one thread)"))):
            ax = axes[row][col]
            for kind, style in (("gated", "o-"), ("static", "s--")):
                pts = sorted((micros[l] if xkey == "micros" else r[xkey], r["pesq_wb"], l)
                             for l, r in rows.items() if r["kind"] == kind)
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=kind)
                for x, y, l in pts:
                    ax.annotate(l.replace("gated ", "").replace("static ", ""), (x, y), fontsize=7,
                                textcoords="offset points", xytext=(3, 3))
            ax.set_xlabel(xlabel)
            ax.set_ylabel("PESQ-WB")
            ax.set_title(f"{name} set")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gated", default=str(EXPERIMENTS / "v2-candidate-gated.hush"))
    ap.add_argument("--static", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=DIR")
    ap.add_argument("--work", default=str(ROOT / ".build" / "frontier"))
    ap.add_argument("--name", default="frontier", help="results file stem in bench/results/")
    a = ap.parse_args()
    stem = folder_name(a.name)
    statics = {k: Path(v) for k, v in (s.split("=", 1) for s in a.static)} or DEFAULT_STATICS
    sets = {k: Path(v) for k, v in (s.split("=", 1) for s in a.set)} or {
        "real-noise": Path("/work/data/realtest"), "procedural": Path("/work/data/eval")}
    for d in sets.values():
        if not any((d / "noisy").glob("*.wav")):
            raise SystemExit(f"no {d}/noisy/*.wav: build the set first (training/make_realnoise_testset.py, "
                             "training/make_evalset.py)")
    work = Path(a.work)
    micros, static_macs = speed(a.gated, statics, RESULTS / f"{stem}-speed.json")
    entries = systems(a.gated, statics)
    results = {}
    for name, d in sets.items():
        rows = quality(d, work / folder_name(name), entries)
        results[name] = {"dir": str(d), "files": len(list((d / "noisy").glob("*.wav"))), "systems": rows}
    for r in results.values():
        for label, row in r["systems"].items():
            row["network_us_per_frame"] = micros[label]
            if label in static_macs:  # hush denoise scores a static's constant gates; it needs none
                row["executed_mmac_s"] = static_macs[label]
    (RESULTS / f"{stem}.json").write_text(json.dumps(
        {"gated": a.gated, "statics": {k: str(v) for k, v in statics.items()}, "sets": results}, indent=1))
    figure(results, micros, RESULTS / f"{stem}.png")
    for name, r in results.items():
        print(table(name, r["files"], r["systems"], micros))
    print(f"\nwrote bench/results/{stem}.json, {stem}.png, {stem}-speed.json")


if __name__ == "__main__":
    main()
