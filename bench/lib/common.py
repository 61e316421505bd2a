"""Shared helpers for the benchmark suite: paths, running commands (with peak memory from
/usr/bin/time -v), reading and writing audio, and the run's configuration."""
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]
PEERS_DIR = (ROOT / ".." / "shared" / "peers").resolve()
RESULTS = ROOT / "bench" / "results"
HUSH = ROOT / ".build" / "release" / "hush"
HUSH_BENCH = ROOT / ".build" / "release" / "hush-bench"
KERNEL_BENCH = ROOT / ".build" / "release" / "hush-kernel-bench"
BUDGETS = [1.0, 0.75, 0.5, 0.25]
PEERS = ["rnnoise", "speex", "dfn3", "noisereduce"]
PEER_NAMES = {"rnnoise": "RNNoise", "speex": "Speex NS", "dfn3": "DeepFilterNet3", "noisereduce": "noisereduce"}


@dataclass
class Config:
    """What one `bench/run` invocation measures and where it keeps its work files."""
    eval_dir: Path
    work: Path
    quick: bool
    model: str | None
    long_seconds: float
    eval_files: list = field(default_factory=list)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd, env=None, measure_memory=False):
    """Runs cmd (a list); returns (stdout, peak RSS in MiB or None). Fails loudly."""
    if measure_memory:
        cmd = ["/usr/bin/time", "-v"] + [str(c) for c in cmd]
    full_env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    full_env.update(env or {})
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=full_env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    peak = None
    if measure_memory:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        peak = int(m.group(1)) / 1024 if m else None
    return p.stdout, peak


def folder_name(text):
    """`text` (a user's label) as one safe path component: letters, digits, '-' and '_' only, so
    that a work folder built from it stays inside the work folder (no '..', no '/')."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "unnamed"


def hush_model_args(cfg):
    return ["--model", cfg.model] if cfg.model else []


def parse_denoise(stdout):
    """Fields of `hush denoise`'s two summary lines."""
    out = {}
    m = re.search(r": ([\d.]+) s at .*?whole run ([\d.]+) s \(RTF ([\d.]+)\) = network ([\d.]+) s \(RTF ([\d.]+)\)", stdout)
    out["duration"], out["processing_seconds"], out["rtf"] = float(m.group(1)), float(m.group(4)), float(m.group(5))
    out["whole_run_seconds"], out["whole_run_rtf"] = float(m.group(2)), float(m.group(3))
    m = re.search(r"dense ([\d.]+) MMAC/s, executed ([\d.]+) MMAC/s", stdout)
    if m:
        out["dense_mmac_s"], out["executed_mmac_s"] = float(m.group(1)), float(m.group(2))
    m = re.search(r"latency ([\d.]+) ms", stdout)
    out["latency_ms"] = float(m.group(1))
    return out


def read_mono(path):
    x, sr = sf.read(path, dtype="float64")
    return (x.mean(axis=1) if x.ndim > 1 else x), sr


def write_json(name, data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(json.dumps(data, indent=1, default=float) + "\n")


def mean(values):
    v = [x for x in values if x is not None and not np.isnan(x)]
    return float(np.mean(v)) if v else float("nan")
