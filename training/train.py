"""Train HushNet (one model, many budgets). Deterministic given --seed; resumable; bounded by
--steps and optionally by a wall-clock --deadline (UTC HH:MM) / --max-minutes, saving on exit.

Data (any combination):
  --speech DIR [DIR ...]      folders of clean speech WAVs (searched recursively; any rate, mono/stereo)
  --noise DIR [DIR ...]       folders of noise WAVs (mixed in alongside the procedural noises)
  --pairs CLEAN_DIR NOISY_DIR VoiceBank-DEMAND style parallel folders (same file names)
Procedural noises (noises.py) and babble built from the training speech are always available,
so `--speech DIR` alone is enough.

  python train.py --speech /work/data/corpus/speech --out /work/data/ckpt --steps 6000 --deadline 03:55

  --pack DIR                  a material pack (pack.py: real speech, TTS, recorded noise, RIRs);
                              batches are then mixed on --device by devicemix.py (no CPU workers,
                              so a GPU is not starved), e.g. on a GPU machine:
  python train.py --pack .pack --device cuda --batch 128 --seg 3 --loss v2 --R 128 \
      --train-limit-db 20 --out runs/v2 --max-minutes 8 --time-schedule

Fine-tuning: --init MODEL.hush starts from a model file's weights instead of a fresh network (the
folded tensors go back into the layers, BN stays frozen at identity; the round trip is checked
before the first step), e.g. the bundled model on real material:
  python train.py --init ../models/hush-default.hush --pack /work/data/pack --batch 32 --lr 5e-4 \
      --threads 1 --steps 20000 --max-minutes 60 --time-schedule --out /work/data/ckpt-ft1

Resumable: rerunning the same command continues from OUT/last.pt (model, optimizer, step, the
training log, elapsed training time); the pack is the data cache, decoded once per run.
"""
import argparse
import csv
import datetime as dt
import glob
import json
import math
import os
import time

import numpy as np
import soundfile as sf
import torch
import torch.nn.functional as Fn
from scipy.signal import resample_poly

import hushnet
import noises
import vadhead

SR = hushnet.SR


def load_wavs(dirs, min_len=0.5, max_files=None):
    files = []
    for d in dirs:
        files += sorted(glob.glob(os.path.join(d, "**", "*.wav"), recursive=True))
        files += sorted(glob.glob(os.path.join(d, "**", "*.flac"), recursive=True))
    if max_files:
        files = files[:max_files]
    out = []
    for f in files:
        x, sr = sf.read(f, dtype="float32", always_2d=True)
        x = x.mean(1)
        if sr != SR:
            g = math.gcd(sr, SR)
            x = resample_poly(x, SR // g, sr // g).astype(np.float32)
        if len(x) >= min_len * SR and np.std(x) > 1e-5:
            out.append(x)
    return files, out


class Mixer:
    """Builds deterministic training batches: rng seeded by (seed, step)."""

    def __init__(self, speech, noise_files=(), pairs=(), seg=2.0, seed=0):
        self.speech, self.noise_files, self.pairs = speech, list(noise_files), list(pairs)
        self.n = int(seg * SR)
        self.seed = seed
        self.kinds = noises.KINDS + (["file"] * 2 if self.noise_files else [])

    def crop(self, rng, x):
        n = self.n
        if len(x) >= n:
            st = rng.integers(0, len(x) - n + 1)
            return x[st:st + n].astype(np.float64)
        y = np.zeros(n); st = rng.integers(0, n - len(x) + 1); y[st:st + len(x)] = x
        return y

    def noise(self, rng, kind):
        if kind == "file":
            return self.crop(rng, self.noise_files[rng.integers(len(self.noise_files))])
        return noises.make(rng, self.n, kind, self.speech)

    def example(self, rng):
        n = self.n
        if self.pairs and rng.random() < 0.5:
            c, y = self.pairs[rng.integers(len(self.pairs))]
            st = rng.integers(0, max(1, len(c) - n + 1))
            s = np.zeros(n); m = np.zeros(n)
            s[:len(c[st:st + n])] = c[st:st + n]; m[:len(y[st:st + n])] = y[st:st + n]
            g = 10 ** (rng.uniform(-45, -15) / 20) / (np.sqrt(np.mean(m ** 2)) + 1e-9)
            return (m * g).astype(np.float32), (s * g).astype(np.float32)
        s = self.crop(rng, self.speech[rng.integers(len(self.speech))])
        if rng.random() < 0.5:  # speech often starts / stops inside the segment
            a, b = sorted(rng.integers(0, n, 2))
            if rng.random() < 0.5:
                s[:a] = 0
            else:
                s[b:] = 0
        if rng.random() < 0.04:
            s[:] = 0  # noise only
        nz = np.zeros(n)
        for j in range(1 if rng.random() < 0.7 else 2):
            kind = self.kinds[rng.integers(len(self.kinds))]
            nz += self.noise(rng, kind) * (1.0 if j == 0 else rng.uniform(0.2, 1.0))
        ps = np.mean(s ** 2) if np.any(s) else 1e-4
        snr = rng.uniform(-5, 20) if rng.random() > 0.05 else rng.uniform(25, 40)
        nz = nz / (np.sqrt(np.mean(nz ** 2)) + 1e-12) * np.sqrt(ps) * 10 ** (-snr / 20)
        m = s + nz
        g = 10 ** (rng.uniform(-48, -12) / 20) / (np.sqrt(np.mean(m ** 2)) + 1e-12)
        pk = np.abs(m).max() * g
        if pk > 0.99:
            g *= 0.99 / pk
        return (m * g).astype(np.float32), (s * g).astype(np.float32)

    def batch(self, step, bs):
        rng = np.random.default_rng([self.seed, step])
        ex = [self.example(rng) for _ in range(bs)]
        return torch.from_numpy(np.stack([e[0] for e in ex])), torch.from_numpy(np.stack([e[1] for e in ex]))


def sample_budgets(rng, bs):
    b = np.empty(bs)
    for i in range(bs):
        u = rng.random()
        b[i] = 1.0 if u < 0.35 else (0.25 if u < 0.55 else rng.uniform(0.25, 1.0))
    return torch.from_numpy(b)


def aligned(y, s):
    """The stream output y (delayed by n_fft - hop) and the target s on the same time axis."""
    d = hushnet.N_FFT - hushnet.HOP
    n = min(y.shape[1] - d, s.shape[1] - d)
    return y[:, d:d + n], s[:, :n]


def compressed_spec_loss(y, s, n_fft, alpha=0.3, c=0.3, under_weight=1.0):
    """Compressed spectral MSE (Conv-FSENet): magnitude + complex terms on |.|^c at one
    resolution (hop n_fft/2), on already aligned signals. under_weight > 1 weighs the magnitude
    error of bins the output has attenuated below the target (speech removed) that many times
    more than bins left too loud (noise kept): over-suppression costs intelligibility."""
    win = torch.hann_window(n_fft, device=y.device)
    Y = torch.stft(y, n_fft, n_fft // 2, window=win, center=False, return_complex=True)
    S = torch.stft(s, n_fft, n_fft // 2, window=win, center=False, return_complex=True)
    Ym = (Y.abs() + 1e-8); Sm = (S.abs() + 1e-8)
    Yc = Ym ** c; Sc = Sm ** c
    err = (Yc - Sc) ** 2
    mag = torch.mean(torch.where(Yc < Sc, under_weight * err, err))
    cplx = torch.mean(torch.abs(Yc * Y / Ym - Sc * S / Sm) ** 2)
    return (1 - alpha) * mag + alpha * cplx


def spec_loss(y, s, alpha=0.3, c=0.3, under_weight=1.0):
    """Loss v1: compressed spectral MSE after iSTFT at the model's own resolution.
    y is the stream output (delayed by n_fft - hop); both are normalised by the clean+noise level."""
    y, s = aligned(y, s)
    return compressed_spec_loss(y, s, hushnet.N_FFT, alpha, c, under_weight)


def neg_si_sdr(y, s, eps=1e-8):
    """Mean negative SI-SDR in dB over the examples whose target has speech (zero-mean signals)."""
    y = y - y.mean(1, keepdim=True); s = s - s.mean(1, keepdim=True)
    es = (s ** 2).sum(1)
    st = ((y * s).sum(1) / (es + eps))[:, None] * s
    v = 10 * torch.log10(((st ** 2).sum(1) + eps) / (((y - st) ** 2).sum(1) + eps))
    has = es > 1e-3 * es.max().clamp_min(eps)
    return -(v * has).sum() / has.sum().clamp_min(1)


def loss_v2(y, s, sisdr_weight=0.002, under_weight=1.0):
    """Loss v2: compressed magnitude + complex MSE (c = 0.3, alpha = 0.3) at the model's resolution
    and at FFT 256 and 1024 (multi-resolution), plus a small SI-SDR term."""
    y, s = aligned(y, s)
    spec = sum(compressed_spec_loss(y, s, n, under_weight=under_weight) for n in (256, 512, 1024)) / 3
    return spec + sisdr_weight * neg_si_sdr(y, s)


def feature_stats(mixer, n=256):
    x, _ = mixer.batch(10 ** 9, n)
    with torch.no_grad():
        phi = hushnet.features(hushnet.stft(x))  # [n, T, F]
    return phi.mean((0, 1)).cpu(), phi.std((0, 1)).clamp_min(0.5).cpu()


def load_material(a):
    """The mixer for the run: a packed material set mixed on the device, or folders mixed on the CPU."""
    if a.pack:
        import devicemix
        pools = devicemix.load_pack(a.pack)
        sec = {k: len(v) / SR / 60 for k, v in pools.items() if k.startswith("speech_") or k == "noise"}
        print("pack: " + ", ".join(f"{k} {v:.1f} min" for k, v in sec.items()) +
              f", {len(pools['noise_len'])} noise files, {len(pools.get('rir', []))} RIRs", flush=True)
        return devicemix.DeviceMixer(pools, a.device, seg=a.seg, seed=a.seed)
    files, speech = load_wavs(a.speech)
    _, noise_files = load_wavs(a.noise) if a.noise else ([], [])
    pairs = []
    if a.pairs:
        cf, cl = load_wavs([a.pairs[0]], min_len=0)
        for f, c in zip(cf, cl):
            nf = os.path.join(a.pairs[1], os.path.relpath(f, a.pairs[0]))
            if os.path.exists(nf):
                y, sr = sf.read(nf, dtype="float32", always_2d=True)
                y = y.mean(1)
                if sr != SR:
                    g = math.gcd(sr, SR); y = resample_poly(y, SR // g, sr // g).astype(np.float32)
                pairs.append((c, y[:len(c)]))
    if not speech and pairs:
        speech = [c for c, _ in pairs]  # babble source
    print(f"speech {len(speech)} files ({sum(map(len, speech)) / SR / 3600:.2f} h), noise files {len(noise_files)}, "
          f"pairs {len(pairs)}", flush=True)
    return Mixer(speech, noise_files, pairs, a.seg, a.seed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--speech", nargs="*", default=[])
    ap.add_argument("--noise", nargs="*", default=[])
    ap.add_argument("--pairs", nargs=2)
    ap.add_argument("--pack", help="material pack (pack.py), mixed on --device")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--out", required=True)
    ap.add_argument("--mirror", help="also keep the latest checkpoint at this path (e.g. a folder that is copied back)")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seg", type=float, default=2.0)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--loss", choices=["v1", "v2"], default="v1")
    ap.add_argument("--sisdr-weight", type=float, default=0.002)
    ap.add_argument("--under-weight", type=float, default=1.0,
                    help="weight of over-suppressed bins in the magnitude loss (1: symmetric, as before)")
    ap.add_argument("--train-limit-db", type=float,
                    help="attenuation limit applied in the training forward pass (limit in the loop)")
    ap.add_argument("--speech-loss-weight", type=float, default=0.0,
                    help="joint speech-presence loss: a linear probe on the gates' per-block soft active "
                         "fractions predicts the clean target's speech frames (vadhead.labels_from_clean), "
                         "at b = 1, so that gate activity reads as speech activity (issue #15's head)")
    ap.add_argument("--static", action="store_true", help="no gates: every channel always computed")
    ap.add_argument("--init", help="fine-tune: start from this .hush model file's weights (BN frozen at identity)")
    ap.add_argument("--rate-target", type=float, default=0.5)
    ap.add_argument("--rate-weight", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--deadline", help="UTC HH:MM; stop and save when reached")
    ap.add_argument("--max-minutes", type=float, help="training-time budget; stop and save when spent")
    ap.add_argument("--stop-at-unix", type=float, help="absolute stop time (seconds since the epoch)")
    ap.add_argument("--time-schedule", action="store_true",
                    help="with --max-minutes: the cosine LR decay follows max(step/steps, time/budget)")
    ap.add_argument("--ckpt-every", type=float, default=180, help="seconds")
    ap.add_argument("--R", type=int, default=80); ap.add_argument("--C", type=int, default=256)
    ap.add_argument("--G", type=int, default=8); ap.add_argument("--B", type=int, default=9)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    os.makedirs(a.out, exist_ok=True)
    t_start = time.time()
    stop_at = float("inf")
    if a.deadline:
        now = dt.datetime.now(dt.timezone.utc)
        hh, mm = map(int, a.deadline.split(":"))
        dl = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
        stop_at = dl.timestamp()
    if a.stop_at_unix:
        stop_at = min(stop_at, a.stop_at_unix)

    mixer = load_material(a)
    model = hushnet.HushNet(R=a.R, C=a.C, G=a.G, B=a.B, gated=not a.static)
    ck_path = os.path.join(a.out, "last.pt")
    step = 0
    train_seconds = 0.0
    log_header = ("step,elapsed_s,lr,loss,spec,rate_loss,soft_rate,mean_budget,active_b1,active_capped," +
                  ",".join(f"blk{i}" for i in range(a.B)))
    log_rows = []
    ck = torch.load(ck_path, map_location="cpu", weights_only=False) if os.path.exists(ck_path) else None
    if ck is None and a.init:
        import container
        try:
            md, t = container.read(a.init)
        except (OSError, ValueError) as e:
            raise SystemExit(f"--init {a.init}: not a readable Hush model file ({e})")
        have = dict(R=md["residual_channels"], C=md["conv_channels"], G=md["gate_rank"], B=md["blocks"],
                    K=md["kernel_size"])
        want = {k: v for k, v in model.config().items() if k != "gated"}
        if have != want:
            raise SystemExit(f"--init {a.init}: its shape {have} is not this run's {want}")
        hushnet.load_folded(model, t)
        back = hushnet.export_tensors(model)  # folding the loaded layers again must give the file back
        worst = max(float(np.abs(back[n] - t[n]).max()) for n in back)
        if worst > 1e-6:
            raise SystemExit(f"--init {a.init}: re-exported weights differ from the file by {worst:.2e}")
        print(f"initialised from {a.init} ({md.get('train_steps', '?')} steps)", flush=True)
    elif ck is None:
        mu, sd = feature_stats(mixer)
        model.feat_mean.copy_(mu); model.feat_std.copy_(sd)
    else:
        model.load_state_dict(ck["model"])
    # the speech probe is training-only (the exported head is fitted afterwards by vadhead.py)
    probe = torch.nn.Linear(a.B, 1)
    if ck is not None and "speech_probe" in ck:
        probe.load_state_dict(ck["speech_probe"])
    model.to(dev)  # before the optimizer state is loaded: Adam casts its state to the parameters' device
    probe.to(dev)
    params = list(model.parameters()) + (list(probe.parameters()) if a.speech_loss_weight > 0 else [])
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=1e-4)
    if ck is not None:
        opt.load_state_dict(ck["opt"])
        step = ck["step"]; train_seconds = ck.get("train_seconds", 0.0); log_rows = ck.get("log", [])
        print(f"resumed at step {step}", flush=True)
    model.attenuation_limit_db = a.train_limit_db
    if a.max_minutes:
        stop_at = min(stop_at, time.time() + 60 * a.max_minutes - train_seconds)

    def save(path):
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        opt_state = opt.state_dict()
        opt_state["state"] = {k: {n: (t.cpu() if torch.is_tensor(t) else t) for n, t in v.items()}
                              for k, v in opt_state["state"].items()}
        torch.save({"model": state, "speech_probe": {k: v.detach().cpu() for k, v in probe.state_dict().items()},
                    "opt": opt_state, "step": step, "config": model.config(), "args": vars(a),
                    "train_seconds": train_seconds, "log_header": log_header, "log": log_rows}, path + ".tmp")
        os.replace(path + ".tmp", path)

    def write_log():
        with open(os.path.join(a.out, "train_log.csv"), "w") as f:
            f.write(log_header + "\n" + "".join(r + "\n" for r in log_rows))

    model.train()
    if a.init:
        hushnet.freeze_bn(model)
    last_ck = time.time()
    acc = []
    t_seg = time.time()
    while step < a.steps:
        if time.time() >= stop_at:
            print(f"time budget reached at step {step}", flush=True)
            break
        prog = step / a.steps
        if a.max_minutes and a.time_schedule:  # anneal by whichever is further: steps or wall time
            prog = max(prog, (train_seconds + time.time() - t_seg) / (60 * a.max_minutes))
        lr = a.lr * (min(1.0, (step + 1) / 200) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, prog)))))
        for g in opt.param_groups:
            g["lr"] = lr
        x, s = mixer.batch(step, a.batch)
        x, s = x.to(dev), s.to(dev)
        brng = np.random.default_rng([a.seed, step, 7])
        budgets = sample_budgets(brng, a.batch) if not a.static else torch.ones(a.batch, dtype=torch.float64)
        y, mask, aux = model(x, budget=budgets if not a.static else 1.0)
        lvl = torch.sqrt(torch.mean(x ** 2, 1, keepdim=True)) + 1e-6
        spec = (loss_v2(y / lvl, s / lvl, a.sisdr_weight, a.under_weight) if a.loss == "v2"
                else spec_loss(y / lvl, s / lvl, under_weight=a.under_weight))
        if a.static:
            soft_rate = torch.ones((), device=dev)
            rate_loss = torch.zeros((), device=dev)
        else:
            soft_rate = torch.stack([soft.mean() for _, _, soft in aux]).mean()
            rate_loss = (soft_rate - a.rate_target) ** 2
        loss = spec + a.rate_weight * rate_loss
        if a.speech_loss_weight > 0 and not a.static:
            full = budgets == 1.0
            if bool(full.any()):
                labels = torch.from_numpy(vadhead.labels_from_clean(s[full].cpu().numpy())).to(dev)
                fractions = torch.stack([soft[full.to(dev)].mean(-1) for _, _, soft in aux], -1)  # [n, T, B]
                T = min(labels.shape[1], fractions.shape[1])
                logit = probe(fractions[:, :T]).squeeze(-1)
                loss = loss + a.speech_loss_weight * Fn.binary_cross_entropy_with_logits(
                    logit, labels[:, :T].to(logit.dtype))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if step % 5 == 0 or step + 1 == a.steps:
            with torch.no_grad():
                full = (budgets == 1.0).to(dev)
                act = torch.stack([h.mean((1, 2)) for _, h, _ in aux])  # [B, bs]
                a_b1 = act[:, full].mean().item() if bool(full.any()) else float("nan")
                acc.append([loss.item(), spec.item(), rate_loss.item(), soft_rate.item(), budgets.mean().item(),
                            a_b1, act.mean().item()] + act.mean(1).tolist())
        step += 1
        if step % 25 == 0 or step == a.steps:
            now = time.time()
            train_seconds += now - t_seg; t_seg = now
            m = np.nanmean(np.array(acc), 0); acc = []
            log_rows.append(f"{step},{train_seconds:.1f},{lr:.2e}," + ",".join(f"{v:.5f}" for v in m))
            if step % 100 == 0 or step == a.steps:
                print(f"step {step} t={train_seconds:.0f}s lr={lr:.2e} loss {m[0]:.4f} spec {m[1]:.4f} "
                      f"rate {m[3]:.3f} act@b1 {m[5]:.3f} act {m[6]:.3f}", flush=True)
        if time.time() - last_ck > a.ckpt_every:
            save(ck_path); write_log(); last_ck = time.time()
            if a.mirror:
                save(a.mirror)
    train_seconds += time.time() - t_seg
    model.eval()
    save(ck_path)
    save(os.path.join(a.out, "final.pt"))
    if a.mirror:
        save(a.mirror)
    write_log()
    json.dump({"steps": step, "train_seconds": train_seconds, "wall_seconds_this_run": time.time() - t_start,
               "device": str(dev), "batch": a.batch, "seg": a.seg},
              open(os.path.join(a.out, "train_summary.json"), "w"), indent=1)
    print(f"saved step {step}, training time {train_seconds / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
