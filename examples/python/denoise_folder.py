#!/usr/bin/env python3
# %% [markdown]
# # Denoise a folder with hush, and look at what the network spent
#
# Notebook-style (the `# %%` cells run in VS Code/Jupyter as they are, or the whole file as a
# script): every `.wav` in a folder goes through `hush.Stream` at a chosen budget, the executed
# MACs of each network frame are collected from `last_frame_stats`, and MACs vs time are plotted
# with matplotlib when it is installed (otherwise the plot is skipped with a note).
#
#     pip install ./python            # from the repository root; matplotlib optional
#     python examples/python/denoise_folder.py audio-fixtures --budget 0.5 --out /tmp/clean \
#         --plot /tmp/macs.png
#
# WAV files are read with the standard library's `wave` module (8/16/24/32-bit PCM); other WAVs
# (32-bit float, extensible) are read with soundfile if it happens to be installed, else skipped.

# %%
import argparse
import sys
import time
import wave
from pathlib import Path

import numpy as np

import hush

parser = argparse.ArgumentParser(description=__doc__ or "Denoise every WAV in a folder with hush.")
parser.add_argument("folder", type=Path, nargs="?", default=Path(__file__).resolve().parents[2] / "audio-fixtures")
parser.add_argument("--budget", type=float, default=0.5, help="budget in (0, 1] (default 0.5)")
parser.add_argument("--out", type=Path, help="write the denoised files here (16-bit WAV)")
parser.add_argument("--plot", type=Path, default=Path("hush-macs.png"), help="PNG to write")
args = parser.parse_args([] if "ipykernel" in sys.modules else None)


# %% Reading and writing WAV with the standard library
def read_wav(path):
    """(float32 mono, rate): PCM scaled to ±1, channels averaged like the CLI (hush.downmix)."""
    try:
        with wave.open(str(path)) as w:
            rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
            raw = w.readframes(w.getnframes())
    except wave.Error:
        try:
            import soundfile  # optional: float and extensible WAVs
        except ImportError:
            return None, None
        audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        return hush.downmix(audio), rate
    if width == 1:
        ints = np.frombuffer(raw, np.uint8).astype(np.int32) - 128
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = (b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8
    else:
        ints = np.frombuffer(raw, {2: "<i2", 4: "<i4"}[width])
    audio = (ints.astype(np.float64) / 2.0 ** (8 * width - 1)).astype(np.float32)
    return hush.downmix(audio.reshape(-1, channels)), rate


def write_wav16(path, audio, rate):
    pcm = np.clip(np.round(audio * 32768), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(pcm.tobytes())


# %% Denoise every file, one stream per file, collecting per-frame cost
# Chunks of a quarter hop: the network runs at most one frame per call (almost always; at rates
# other than 16 kHz the resamplers work in blocks), so `last_frame_stats` after each call sees
# every frame. Frames that ran unseen are counted.
results = {}
for path in sorted(args.folder.glob("*.wav")):
    audio, rate = read_wav(path)
    if audio is None:
        print(f"{path.name}: skipped (not PCM WAV; install soundfile to read it)")
        continue
    times, macs, unseen = [], [], 0
    with hush.Stream(rate=rate, budget=args.budget) as stream:
        chunk = max(1, round(stream.hop_seconds * rate / 4))
        dense = 0
        outputs, seen = [], 0
        start = time.perf_counter()
        for i in range(0, audio.size, chunk):
            outputs.append(stream.process(audio[i : i + chunk]))
            stats = stream.last_frame_stats
            if stats.frames > seen:
                unseen += stats.frames - seen - 1
                seen = stats.frames
                times.append((stats.frames - 1) * stream.hop_seconds)
                macs.append(stats.executed_macs)
                dense = stats.dense_macs
        outputs.append(stream.finish())
        seconds = time.perf_counter() - start
    clean = np.concatenate(outputs)
    duration = audio.size / rate
    results[path.name] = (np.array(times), np.array(macs), dense)
    mean = np.mean(macs) if macs else 0
    print(f"{path.name}: {duration:.2f} s at {rate} Hz, {len(macs) + unseen} frames "
          f"({unseen} unseen), executed {mean / 1e3:.1f} kMAC/frame of {dense / 1e3:.1f} dense "
          f"({100 * mean / max(dense, 1):.0f}%), processing {seconds * 1e3:.0f} ms "
          f"(RTF {seconds / duration:.3f})")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        write_wav16(args.out / path.name, clean, rate)

# %% Plot executed MACs per frame against time
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no plot (pip install matplotlib)")
else:
    fig, ax = plt.subplots(figsize=(9, 4))
    for name, (t, m, dense) in results.items():
        ax.plot(t, m / 1e3, lw=0.8, label=name)
    if results:
        ax.axhline(max(d for _, _, d in results.values()) / 1e3, color="k", ls="--", lw=0.8,
                   label="dense")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("executed kMAC per frame")
    ax.set_title(f"hush, budget {args.budget}")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(args.plot, dpi=120)
    print(f"plot: {args.plot}")
