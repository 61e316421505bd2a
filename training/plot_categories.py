"""One `hush plot` picture per noise category of the real-noise test set (issue #14: noisy and
enhanced spectrograms, mask, channel activity, executed MACs), each beside its own scores.

For every category of realnoise_manifest.csv the example is the 5 dB mixture of the longest
recording (ties: the first name), so the choice does not look at any result. Writes
OUT/<category>.png and prints a markdown section (pictures and, per example, PESQ-WB / STOI of
the noisy input and of Hush by `hush eval`) for training/RESULTS.md. Standard library only; needs
the built `hush` (swift build -c release).

  python3 plot_categories.py /work/data/realtest [--model ../models/hush-default.hush]
      [--out figures/realnoise] [--budget 1]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
HUSH = os.path.join(HERE, "..", ".build", "release", "hush")


def seconds(path):
    with wave.open(path, "rb") as w:
        return w.getnframes() / w.getframerate()


def scores(clean, enhanced):
    out = subprocess.run([HUSH, "eval", "--clean", clean, "--enhanced", enhanced, "--json"],
                         check=True, capture_output=True, text=True).stdout
    m = json.loads(out)["mean"]
    return m["pesq_wb"], m["stoi"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("testset", help="folder with clean/ and noisy/ (make_realnoise_testset.py)")
    ap.add_argument("--model", default=os.path.join(HERE, "..", "models", "hush-default.hush"))
    ap.add_argument("--out", default=os.path.join(HERE, "figures", "realnoise"))
    ap.add_argument("--budget", default="1")
    a = ap.parse_args()
    if not os.access(HUSH, os.X_OK):
        sys.exit(f"no {HUSH}: run `swift build -c release` first")
    for sub in ("clean", "noisy"):
        if not os.path.isdir(os.path.join(a.testset, sub)):
            sys.exit(f"no {os.path.join(a.testset, sub)}: build the set with make_realnoise_testset.py")
    rows = list(csv.DictReader(open(os.path.join(HERE, "realnoise_manifest.csv"))))
    clean = {r["name"]: os.path.join(a.testset, "clean", r["name"]) for r in rows}
    picks = {}
    for r in sorted(rows, key=lambda r: r["name"]):
        if r["snr_db"] != "5":
            continue
        best = picks.get(r["category"])
        if best is None or seconds(clean[r["name"]]) > seconds(clean[best["name"]]):
            picks[r["category"]] = r
    os.makedirs(a.out, exist_ok=True)
    rel = os.path.relpath(a.out, HERE)
    print(f"Pictures: `python3 plot_categories.py {a.testset}` (model `{os.path.basename(a.model)}`, b = {a.budget});"
          " the 5 dB mixture of the longest recording per category.\n")
    print("| category | example | seconds | PESQ-WB noisy → Hush | STOI noisy → Hush |")
    print("|---|---|---|---|---|")
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        for category in sorted(picks):
            r = picks[category]
            noisy = os.path.join(a.testset, "noisy", r["name"])
            png = os.path.join(a.out, f"{category}.png")
            subprocess.run([HUSH, "plot", noisy, "--out", png, "--overwrite", "--width", "900",
                            "--model", a.model, "--budget", a.budget], check=True, capture_output=True)
            enhanced = os.path.join(tmp, r["name"])
            subprocess.run([HUSH, "denoise", "--model", a.model, "--budget", a.budget, noisy, enhanced],
                           check=True, capture_output=True)
            (p0, s0), (p1, s1) = scores(clean[r["name"]], noisy), scores(clean[r["name"]], enhanced)
            print(f"| {category} | `{r['name']}` ({r['noise_package']}) | {seconds(noisy):.1f} | "
                  f"{p0:.2f} → {p1:.2f} | {s0:.3f} → {s1:.3f} |")
            figures.append((category, f"{rel}/{category}.png"))
    print()
    for category, path in figures:
        print(f"**{category}**\n\n![{category}]({path})\n")


if __name__ == "__main__":
    main()
