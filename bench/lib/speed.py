"""Speed, memory and latency, measured inside one run so the shared machine's load hits every
system alike: the long file through Hush (every budget) and each peer, interleaved with a second
Hush b=1 pass around RNNoise; cost vs input length; the engine and kernel benchmarks."""
import json
import sys

import numpy as np
import soundfile as sf

from common import (BUDGETS, HUSH, HUSH_BENCH, KERNEL_BENCH, PEERS, PEERS_DIR, hush_model_args, log,
                    parse_denoise, read_mono, run)

# Frame hop of each peer as run_peers.py drives it (input buffered before a frame can run).
PEER_HOP_MS = {"rnnoise": 10.0, "dfn3": 10.0, "speex": 10.0}
# Published compute of the networks (MMAC/s; ../shared/notes/field-facts.md). Not measured here.
PUBLISHED_MMAC_S = {"rnnoise": 20.0, "dfn3": 350.0}


def hush_long(cfg, long_dir, b, tag):
    out = long_dir / f"hush-b{b:.2f}"
    out.mkdir(exist_ok=True)
    stdout, peak = run([HUSH, "denoise", "--overwrite", "--budget", b, *hush_model_args(cfg), long_dir / "noisy" / "long.wav",
                        out / "long.wav"], measure_memory=True)
    s = parse_denoise(stdout)
    s.update(peak_rss_mib=peak, dir=out)
    log(f"long file, hush b={b} ({tag}): RTF {s['rtf']:.4f}, {peak:.0f} MiB")
    return s


def peer_long(long_dir, peer):
    _, peak = run([sys.executable, PEERS_DIR / "run_peers.py", long_dir / "noisy", long_dir / "peers", peer],
                  measure_memory=True)
    timing = json.loads((long_dir / "peers" / "timing.json").read_text())[peer]
    log(f"long file, {peer}: RTF {timing['rtf']:.4f}, {peak:.0f} MiB")
    return {"rtf": timing["rtf"], "peak_rss_mib": peak, "dir": long_dir / "peers" / peer}


def long_file_runs(cfg, long_dir):
    """Order: Hush b=1, RNNoise, Hush b=1 again, the other budgets twice over, the other peers,
    then a python-harness baseline for the peers' memory figure. Per budget the faster Hush pass
    is kept (other load only ever adds time)."""
    hush = {1.0: hush_long(cfg, long_dir, 1.0, "pass 1")}
    peers = {"rnnoise": peer_long(long_dir, "rnnoise")}
    for tag in ("pass 2", "pass 3"):
        for b in BUDGETS if tag == "pass 2" else BUDGETS[1:]:
            again = hush_long(cfg, long_dir, b, tag)
            if b not in hush or again["rtf"] < hush[b]["rtf"]:
                hush[b] = again
    for p in PEERS[1:]:
        peers[p] = peer_long(long_dir, p)
    _, harness = run([sys.executable, "-c",
                      "import sys, numpy as np, soundfile as sf; from scipy.signal import resample_poly;"
                      "x, sr = sf.read(sys.argv[1]); y = resample_poly(x, 3, 1); print(len(y))",
                      long_dir / "noisy" / "long.wav"], measure_memory=True)
    return hush, peers, harness


def peer_latency(long_dir, clip_seconds=6.0):
    """Each streaming peer's latency: its frame hop plus its output delay, measured by
    cross-correlating its output with its input (run_peers.py's own peer wrappers) on the first
    seconds of the long file (noisy speech)."""
    sys.path.insert(0, str(PEERS_DIR))
    import run_peers
    x, _ = read_mono(long_dir / "noisy" / "long.wav")
    x = x[: int(16000 * clip_seconds)]
    out = {}
    for p in ("rnnoise", "dfn3", "speex"):
        y, _ = getattr(run_peers, p)()(x)
        y = np.asarray(y, np.float64)[: len(x)]
        c = np.correlate(y, x[: len(x) - 1600], "valid")
        lag = int(np.argmax(np.abs(c[:1601])))
        out[p] = {"output_delay_ms": lag / 16.0, "latency_ms": PEER_HOP_MS[p] + lag / 16.0}
    out["noisereduce"] = {"output_delay_ms": None, "latency_ms": None}
    log("peer latency: " + ", ".join(f"{p} {v['latency_ms']}" for p, v in out.items()))
    return out


def scaling(cfg, long_dir, lengths):
    """Hush b=1 on prefixes of the long file (`hush denoise`: whole file in memory) and the
    streaming engine alone (`hush-kernel-bench --stream-seconds`): time and peak memory vs length."""
    x, sr = read_mono(long_dir / "noisy" / "long.wav")
    d = cfg.work / "scaling"
    d.mkdir(exist_ok=True)
    rows = []
    for seconds in lengths:
        path = d / f"in-{seconds}s.wav"
        sf.write(path, x[: int(seconds * sr)], sr, subtype="PCM_16")
        best = None
        for _ in range(3 if seconds <= 60 else 1):
            stdout, peak = run([HUSH, "denoise", "--overwrite", *hush_model_args(cfg), path, d / "out.wav"], measure_memory=True)
            s = parse_denoise(stdout)
            if best is None or s["processing_seconds"] < best["processing_seconds"]:
                best = dict(s, peak_rss_mib=peak)
        stream = json.loads(run([KERNEL_BENCH, "--stream-seconds", seconds])[0])
        rows.append({"seconds": seconds, **best, "stream": stream})
        log(f"scaling {seconds} s: {best['processing_seconds']:.3f} s, {best['peak_rss_mib']:.0f} MiB; "
            f"streaming engine {stream['processing_seconds']:.3f} s, {stream['peak_rss_mib']:.0f} MiB")
    return rows


def engine_bench(cfg, quick, json_path):
    args = ["--seconds", 5 if quick else 20, "--rounds", 2 if quick else 5, "--json", json_path]
    stdout, _ = run([HUSH_BENCH, *args, *hush_model_args(cfg)])
    return stdout, json.loads(json_path.read_text())


def kernel_bench(quick, json_path):
    stdout, _ = run([KERNEL_BENCH, "--frames", 1000 if quick else 3000, "--rounds", 5 if quick else 15,
                     "--json", json_path])
    return stdout, json.loads(json_path.read_text())


def excerpt(long_dir, path, seconds):
    """The first `seconds` of the long file (several noises in a row), for the example figures."""
    x, sr = read_mono(long_dir / "noisy" / "long.wav")
    sf.write(path, x[: int(seconds * sr)], sr, subtype="PCM_16")
    return path
