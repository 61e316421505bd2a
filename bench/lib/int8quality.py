"""int8 weights against float32 (issue #18): the same Swift engine runs the bundled float model and
its int8 twin (models/hush-default-int8.hush, made by training/quantize.py) over the test sets at
b = 1 and b = 0.25, plus clean speech in; `hush eval` scores them (its PESQ is the P.862 code's to
the last digit, bench/RESULTS.md). Prints one markdown table per set, with int8 − float32.

usage: bench/int8-quality [--set NAME=DIR ...] [--work DIR]   (this file, run by that script)
  DIR holds clean/ and noisy/ (training/make_evalset.py, make_realnoise_testset.py); default: the
  procedural set /work/data/eval and the real-noise set /work/data/realtest.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

from common import HUSH, ROOT, folder_name, log, run

MODELS = {"float32": ROOT / "models" / "hush-default.hush", "int8": ROOT / "models" / "hush-default-int8.hush"}
BUDGETS = [1.0, 0.25]
METRICS = [("pesq_wb", "PESQ-WB", 3), ("stoi", "STOI", 3), ("si_sdr", "SI-SDR", 2)]


def means(scores):
    """hush eval --json -> {metric: mean over files}."""
    return {k: float(scores["mean"][k]) for k, _, _ in METRICS}


def evaluate(clean_dir, enhanced_dir):
    out, _ = run([HUSH, "eval", "--clean-dir", clean_dir, "--enhanced-dir", enhanced_dir, "--json"])
    return means(json.loads(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=DIR")
    ap.add_argument("--work", default=str(ROOT / ".build" / "int8-quality"))
    a = ap.parse_args()
    sets = dict(s.split("=", 1) for s in a.set) or {"procedural": "/work/data/eval", "real-noise": "/work/data/realtest"}
    for path in MODELS.values():
        if not path.exists():
            sys.exit(f"missing {path}")
    work = Path(a.work)
    for name, d in sets.items():
        d = Path(d)
        files = sorted((d / "noisy").glob("*.wav"))
        if not files:
            sys.exit(f"no {d}/noisy/*.wav: build the set first (see this script's docstring)")
        rows = {}
        inputs = [("noisy", d / "noisy", b) for b in BUDGETS] + [("clean in", d / "clean", 1.0)]
        for label, src, b in inputs:
            for model, path in MODELS.items():
                out = work / folder_name(name) / folder_name(f"{model}-{label}-b{b:.2f}")
                # Only folders this script names are cleared, never --work itself.
                shutil.rmtree(out, ignore_errors=True)
                run([HUSH, "denoise", "--model", path, "--budget", b, "-o", out, src])
                rows[(label, b, model)] = evaluate(d / "clean", out)
                log(f"{name} {label} b={b} {model}: {rows[(label, b, model)]}")
        print(f"\n{name} ({len(files)} mixtures, {d})\n")
        print("| input | b | " + " | ".join(f"{h} float32 | {h} int8 | Δ" for _, h, _ in METRICS) + " |")
        print("|---|---|" + "---|---|---|" * len(METRICS))
        for label, _, b in inputs:
            cells = []
            for key, _, digits in METRICS:
                f, q = rows[(label, b, "float32")][key], rows[(label, b, "int8")][key]
                cells += [f"{f:.{digits}f}", f"{q:.{digits}f}", f"{q - f:+.{digits}f}"]
            print(f"| {label} | {b:g} | " + " | ".join(cells) + " |")
    sizes = {m: p.stat().st_size for m, p in MODELS.items()}
    print(f"\nmodel files: float32 {sizes['float32']:,} bytes, int8 {sizes['int8']:,} bytes")


if __name__ == "__main__":
    main()
