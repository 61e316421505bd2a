"""The benchmark suite behind `bench/run`: quality, speed, latency and memory of Hush at four
budgets beside RNNoise, Speex NS, DeepFilterNet3 and noisereduce, on the held-out real-speech
set and on a long file; speed ratios, per-layer cost, kernels vs OpenBLAS, scaling; figures.
Prints markdown tables; writes bench/results/*.json, *.png and bench/RESULTS.md."""
import argparse
import hashlib
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import evalset  # noqa: E402
import quality  # noqa: E402
import report  # noqa: E402
import speed  # noqa: E402
from common import (BUDGETS, HUSH, PEERS, RESULTS, ROOT, Config, hush_model_args, log, run,  # noqa: E402
                    write_json)


UNTRAINED = """
> **The bundled model in this run is the untrained random-initialisation placeholder**, so Hush's
> quality numbers here only show that the harness works (Hush ≈ noisy input). Its speed, MAC,
> latency and memory numbers are those of the real architecture. Rerun `bench/run` once the trained
> model replaces `models/hush-default.hush` (or pass `--model PATH`).
"""


def model_description(model):
    path = Path(model) if model else ROOT / "models" / "hush-default.hush"
    data = path.read_bytes()
    trained = "unknown"
    key = b"\x07\x00trained"
    i = data.find(key)
    if i >= 0:
        trained = str(int.from_bytes(data[i + len(key) + 1: i + len(key) + 5], "little", signed=True))
    return f"`{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}` (sha256 {hashlib.sha256(data).hexdigest()[:12]}, metadata trained={trained})"


# Everything after this line in bench/RESULTS.md is written by hand or by other scripts.
KEEP_MARKER = "<!-- bench/run keeps everything below this line -->"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--eval-dir", default=os.environ.get("HUSH_EVAL_DIR", str(ROOT / ".." / "data" / "eval")))
    ap.add_argument("--work", default=os.environ.get("HUSH_BENCH_WORK", str(ROOT / ".build" / "bench-work")))
    ap.add_argument("--model")
    ap.add_argument("--command", default="bench/run")
    a = ap.parse_args()
    cfg = Config(eval_dir=Path(a.eval_dir).resolve(), work=Path(a.work).resolve(), quick=a.quick,
                 model=str(Path(a.model).resolve()) if a.model else None, long_seconds=60 if a.quick else 600)
    cfg.work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    RESULTS.mkdir(parents=True, exist_ok=True)

    # 1. Held-out evaluation set: Hush at every budget, the peers, both scorers.
    base, eval_seconds = evalset.prepare(cfg)
    eval_hush = quality.denoise_with_hush(cfg, base / "noisy", base / "out", cfg.eval_files)
    peer_dirs = quality.peer_outputs(cfg, base / "noisy", cfg.eval_files, base / "out" / "peers")
    systems = {"noisy": base / "noisy", **{f"hush-b{b:.2f}": eval_hush[b]["dir"] for b in BUDGETS}, **peer_dirs}
    scored, reference_table = quality.score(base, base / "clean", base / "manifest.csv", systems, cfg.eval_files)
    summary = quality.summarise(scored)

    # 2. Long file: speed, memory, quality; the peers' latency.
    long_dir, long_seconds, bounds = evalset.make_long_file(cfg, cfg.long_seconds)
    long_hush, long_peers, harness_mib = speed.long_file_runs(cfg, long_dir)
    long_systems = {"noisy": long_dir / "noisy", **{f"hush-b{b:.2f}": long_hush[b]["dir"] for b in BUDGETS},
                    **{p: long_peers[p]["dir"] for p in PEERS}}
    seg_base, seg_clean, seg_manifest, seg_dirs, seg_names = evalset.cut_segments(long_dir, long_systems, bounds)
    long_scored, long_reference_table = quality.score(seg_base, seg_clean, seg_manifest, seg_dirs, seg_names)
    long_summary = quality.summarise(long_scored)
    latency = speed.peer_latency(long_dir)

    # 3. Engine: dense vs pruned, per layer, kernels vs OpenBLAS; cost vs length.
    engine_text, engine = speed.engine_bench(cfg, cfg.quick, RESULTS / "engine-ratios.json")
    kernel_text, kernels = speed.kernel_bench(cfg.quick, RESULTS / "kernels.json")
    lengths = [1, 10, 60] if cfg.quick else [1, 10, 60, 600]
    length_rows = speed.scaling(cfg, long_dir, lengths)

    # 4. Figures.
    published = speed.PUBLISHED_MMAC_S
    rtfs = {**{f"hush-b{b:.2f}": long_hush[b]["rtf"] for b in BUDGETS}, **{p: long_peers[p]["rtf"] for p in PEERS}}
    model_text = model_description(cfg.model)
    untrained = "trained=0" in model_text
    report.curve(summary, eval_hush, rtfs, published, RESULTS / "quality-compute.png",
                 note="model: untrained placeholder (metadata trained=0)" if untrained else "")
    sample = speed.excerpt(long_dir, cfg.work / "long-file-first-20s.wav", 20)
    for b in (1.0, 0.25):
        run([HUSH, "plot", "--overwrite", "--budget", b, *hush_model_args(cfg), sample, "--out", RESULTS / f"activity-b{b:.2f}.png"])

    # 5. Tables, JSON, RESULTS.md, README excerpt.
    main = report.main_table(summary, eval_hush, long_hush, long_peers, latency, published)
    cross = report.crosscheck_table(summary)
    long_t = report.long_table(long_summary, long_hush, long_peers)
    length_t, budget_t = report.scaling_tables(length_rows, summary, eval_hush, long_hush, engine)
    ratio = long_hush[1.0]["rtf"] / long_peers["rnnoise"]["rtf"]
    write_json("quality.json", {"eval_seconds": eval_seconds, "files": cfg.eval_files, "summary": summary,
                                "long_file": long_summary})
    write_json("speed.json", {
        "hush_eval_set": {str(b): {k: v for k, v in s.items() if k != "dir"} for b, s in eval_hush.items()},
        "hush_long": {str(b): {k: v for k, v in s.items() if k != "dir"} for b, s in long_hush.items()},
        "peers_long": {p: {k: v for k, v in s.items() if k != "dir"} for p, s in long_peers.items()},
        "python_harness_baseline_mib": harness_mib, "latency": latency, "scaling": length_rows,
        "published_mmac_s": published, "long_seconds": long_seconds})

    mode = "quick (`--quick`: every 6th file, 60 s long file, short engine runs)" if cfg.quick else "full"
    doc = f"""# Hush benchmark results

Produced by `{a.command}` ({mode}) on {started}, on an {kernels['cpu']} machine with
{os.cpu_count()} cores shared with other work (a training job and builds ran at the same time), so
absolute times are noisy: compare the **ratios**, which were measured inside this one run.
Model: {model_text}. Every number below is what this run printed.
{UNTRAINED if untrained else ""}
Quality numbers are Hush's own metrics (`hush eval`, HushMetrics: PESQ P.862/P.862.2 as the `pesq`
package computes them, without Corrigendum 2; STOI as pystoi; SI-SDR), with the reference
implementations (`../shared/peers/score.py`: `pesq` = ITU-T code, `pystoi`) beside them as a
cross-check in section 2.

## 1. Held-out real speech: quality, compute, speed, latency, memory

{len(cfg.eval_files)} mixtures ({eval_seconds:.0f} s) of real human recordings (pocketsphinx-testdata, never
used in training) with held-out noises at 0/5/10 dB (`training/make_evalset.py`).

{main}

- MMAC/s: Hush's executed multiply-accumulates (gates included) counted by the engine on this set;
  the peers' are published figures (`../shared/notes/field-facts.md`), not measured here.
- RTF, 1 thread: core processing time ÷ audio time on the {long_seconds:.0f} s long file (section 3), all
  systems in this run; file I/O and resampling excluded for every system. RNNoise and DFN3 run at
  48 kHz (run_peers.py resamples 16→48→16 kHz outside the timed loop).
- Latency: Hush's is algorithmic (one 512-sample frame = 32 ms: 16 ms hop buffering + 16 ms output
  delay). The peers': their frame hop + their output delay measured by cross-correlation here
  ({', '.join(f"{p} delay {latency[p]['output_delay_ms']:.1f} ms" for p in ('rnnoise', 'dfn3', 'speex'))}).
  noisereduce is offline (whole-file statistics), so it has no streaming latency.
- Peak RSS: `/usr/bin/time -v` maximum resident set of the whole process on the long file. Hush:
  `hush denoise`, which streams the file in blocks (constant memory). *Peers: the Python harness process
  (`run_peers.py`), which holds the file at 16 and 48 kHz in float64; the same harness that only
  reads and resamples the file peaks at {harness_mib:.0f} MiB.

## 2. Cross-check: Hush's metrics vs the reference implementations (same files)

Mean over the set, Hush / reference, and in brackets the largest per-file absolute difference.

{cross}

The reference scorer's own table (`score.py`, incl. PESQ-WB at 0/5/10 dB):

{reference_table.strip()}

## 3. Long file ({long_seconds:.0f} s: the evaluation mixtures concatenated)

Each system ran over the whole file in one pass; quality is then scored per utterance (PESQ is
defined for utterances of seconds, not for ten minutes): every 4th mixture, {len(seg_names)} of them,
cut back out of each output at its known position, scored by Hush's metrics (PESQ-WB ref: the
`pesq` package on the same pairs).

{long_t}

## 4. Speed ratios inside this run

- **Hush b=1 vs RNNoise** (long file, RTF ratio; Hush's fastest of three passes, one just before
  RNNoise's and two after):
  **{ratio:.3f}** (Hush takes {ratio * 100:.1f}% of RNNoise's time).
- **Dense vs pruned, executed-MAC ratio vs wall-clock ratio** (`hush-bench`, network only, FFT excluded,
  modes interleaved round by round):

{engine_text.strip()}

## 5. Per layer, and the kernels against OpenBLAS

`hush-kernel-bench`: each layer timed inside the network's own frame code (the fused per-channel
kernel, the gates and the selection as the engine runs them, the bundled model on the noisy
fixture), with the whole frame timed alone beside the sum; then
each hot kernel on its own shape beside OpenBLAS `sgemv` and `sgemm` (n = 1, the same shape) —
the practical ceiling for one frame on this CPU — and `sgemm` on 16 frames at once (a batch a
streaming denoiser never has). OpenBLAS gets the active weights already contiguous.

{kernel_text.strip()}

## 6. Scaling

Cost vs input length, b = 1: `hush denoise` on prefixes of the long file (best of 3 up to 60 s),
and the streaming engine alone (`hush-kernel-bench --stream-seconds N`: one `Denoiser` fed one hop
at a time, no file I/O, a fresh process per length):

{length_t}

Time grows linearly with length (µs per audio second stays flat). The streaming engine's peak RSS
stays flat: its state is a fixed workspace sized from the model at creation, and a frame allocates
nothing. `hush denoise` streams the file in blocks through the same engine, so its RSS stays flat
too (see `bench/file-memory`).

Cost vs budget:

{budget_t}

## 7. Figures

- `bench/results/quality-compute.png`: PESQ-WB vs MMAC/s (Hush's budget points measured, peers'
  published) and vs measured single-thread RTF.
- `bench/results/activity-b1.00.png`, `activity-b0.25.png`: `hush plot` of the first 20 s of the
  long file (noisy and enhanced spectrograms, mask, channel activity per gated block, executed-MAC
  fraction).

![quality vs compute](results/quality-compute.png)

![hush plot at b=0.25](results/activity-b0.25.png)
"""
    # Sections measured by other scripts (e.g. §8, dynamic vs static) follow a marker and are kept.
    results_md = ROOT / "bench" / "RESULTS.md"
    old = results_md.read_text() if results_md.exists() else ""
    if KEEP_MARKER in old:
        doc += "\n" + old[old.index(KEEP_MARKER):]
    results_md.write_text(doc)
    excerpt = (f"From `bench/RESULTS.md` ({started}, `{a.command}`, model {model_text}; "
               f"held-out real speech, {len(cfg.eval_files)} files; quality by `hush eval`):\n"
               f"{UNTRAINED if untrained else ''}\n{main}\n\n"
               "\\* Peers' peak RSS is that of the Python harness process (see `bench/RESULTS.md`).\n\n"
               f"Hush b=1 runs in {ratio:.3f}× RNNoise's time on one thread (same run). "
               "See `bench/RESULTS.md` for the cross-check against the reference metrics, speed ratios, "
               "per-layer costs, kernels vs OpenBLAS and scaling.")
    report.update_readme(excerpt)
    print(doc)


if __name__ == "__main__":
    main()
