"""The held-out real-speech evaluation set (built by training/make_evalset.py) as the suite
uses it: a subset in --quick mode, exposed through symlinks so nothing is written into the
shared data folder, and a manifest derived from the file names when none is given."""
import csv
import re
import shutil
from pathlib import Path

import numpy as np
import soundfile as sf

from common import ROOT, log

NOISES = ["babble_ho", "cafe", "fan", "street", "keyboard", "pinkmod"]


def manifest_row(name):
    """name is <source>_<noise>_<snr>dB.wav (make_evalset.py's naming)."""
    m = re.match(r"^(.*)_(-?\d+)dB\.wav$", name)
    stem, snr = m.group(1), int(m.group(2))
    noise = next((n for n in NOISES if stem.endswith("_" + n)), stem.rsplit("_", 1)[-1])
    return {"name": name, "source": stem[: -len(noise) - 1], "noise": noise, "snr_db": snr}


def prepare(cfg):
    """Links the (sub)set into cfg.work/eval/{clean,noisy} and writes its manifest."""
    clean_src, noisy_src = cfg.eval_dir / "clean", cfg.eval_dir / "noisy"
    names = sorted(p.name for p in noisy_src.glob("*.wav") if (clean_src / p.name).exists())
    if not names:
        raise SystemExit(f"no evaluation set under {cfg.eval_dir} (clean/ and noisy/): build it with "
                         "training/make_evalset.py (see its docstring) or pass --eval-dir")
    if cfg.quick:
        names = names[::6]
    base = cfg.work / "eval"
    for kind, src in (("clean", clean_src), ("noisy", noisy_src)):
        d = base / kind
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        for n in names:
            (d / n).symlink_to(src / n)
    rows = [manifest_row(n) for n in names]
    known = ROOT / "training" / "eval_manifest.csv"
    if known.exists():
        by_name = {r["name"]: r for r in csv.DictReader(open(known))}
        rows = [by_name.get(r["name"], r) for r in rows]
    with open(base / "manifest.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["name", "source", "noise", "snr_db"], extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    cfg.eval_files = names
    seconds = sum(sf.info(str(noisy_src / n)).duration for n in names)
    log(f"evaluation set: {len(names)} files, {seconds:.0f} s")
    return base, seconds


def system_dir(base, name, source_dir, names):
    """A folder of per-file symlinks to source_dir (scores.json then lands in our work tree)."""
    d = base / "systems" / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for n in names:
        (d / n).symlink_to(Path(source_dir).resolve() / n)
    return d


def make_long_file(cfg, seconds):
    """Concatenates the set's noisy (and clean) files, cycling, to at least `seconds` seconds."""
    d = cfg.work / "long"
    for kind in ("noisy", "clean"):
        (d / kind).mkdir(parents=True, exist_ok=True)
    noisy, clean, total, bounds = [], [], 0, []
    names = sorted(p.name for p in (cfg.eval_dir / "noisy").glob("*.wav"))
    i = 0
    while total < seconds * 16000:
        n = names[i % len(names)]
        x, _ = sf.read(cfg.eval_dir / "noisy" / n, dtype="float32")
        c, _ = sf.read(cfg.eval_dir / "clean" / n, dtype="float32")
        bounds.append((n, total, total + len(x)))
        noisy.append(x); clean.append(c[: len(x)]); total += len(x); i += 1
    x, c = np.concatenate(noisy), np.concatenate(clean)
    sf.write(d / "noisy" / "long.wav", x, 16000, subtype="PCM_16")
    sf.write(d / "clean" / "long.wav", c, 16000, subtype="PCM_16")
    log(f"long file: {len(x) / 16000:.0f} s from {i} mixtures")
    return d, len(x) / 16000, bounds


def cut_segments(long_dir, systems, bounds, every=4):
    """Cuts every `every`-th mixture back out of each system's long-file output (and the clean
    reference), so the long run is scored per utterance, as PESQ is meant to be used.
    Returns (base, clean_dir, manifest, {system: folder}, names)."""
    base = long_dir / "segments"
    shutil.rmtree(base, ignore_errors=True)
    chosen = bounds[::every]
    names = [f"{k:03d}_{n}" for k, (n, _, _) in enumerate(chosen)]
    sources = {"clean": long_dir / "clean", **systems}
    dirs = {}
    for system, folder in sources.items():
        y, sr = sf.read(Path(folder) / "long.wav", dtype="float32")
        d = base / "cut" / system
        d.mkdir(parents=True)
        for name, (_, a, b) in zip(names, chosen):
            sf.write(d / name, y[a:b], sr, subtype="FLOAT")
        dirs[system] = d
    rows = [dict(manifest_row(n.split("_", 1)[1]), name=n) for n in names]
    with open(base / "manifest.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["name", "source", "noise", "snr_db"], extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    clean = dirs.pop("clean")
    return base, clean, base / "manifest.csv", dirs, names
