"""Training mixtures made on the training device (GPU or CPU) from a material pack (pack.py).

The CPU mixer of train.py (numpy, one example at a time) starves a GPU: on an H200 the batch
workers, not the network, set the pace. Here every step of the recipe is a batched tensor
operation on the device the model trains on, so a batch costs a few dozen kernel launches:

  speech   crop of real speech (asterisk prompts, ...) or TTS, both packed; speech may start or
           stop inside the segment; a few segments are noise only
  reverb   on part of the speech: convolution with a simulated room impulse response; the target
           keeps the direct path and early reflections (first 50 ms), the mixture gets all of it
  noise    a recorded noise (category drawn uniformly, then a file of it, random offset, looped
           if short), or procedural (coloured noise, mains hum, slow modulation), or babble of
           training speech; sometimes a second recorded noise on top
  SNR      -5...20 dB (a few 20...40 dB, a few with no noise at all, so clean speech stays clean)
  colour   microphone / EQ colouring applied alike to mixture and target (random peaks, low cut,
           band limit), so the network learns to remove noise, not to undo a microphone
  level    mixture RMS -45...-15 dBFS, some clipping of the mixture (the target is not clipped)

Deterministic given (seed, step): every draw comes from a generator seeded with both.
"""
import json
import math
import os

import numpy as np
import torch

SR = 16000


def _rms(z):
    """RMS of each row of [bs, n]."""
    return torch.sqrt(torch.mean(z ** 2, 1, keepdim=True))


def _decode(path):
    import soundfile as sf
    x, sr = sf.read(path, dtype="float32", always_2d=True)
    assert sr == SR, (path, sr)
    return x.mean(1)


def _decode_files(pack_dir, files, workers):
    paths = [os.path.join(pack_dir, f) for f in files]
    if workers <= 1:
        return dict(zip(files, map(_decode, paths)))
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(workers) as ex:
        return dict(zip(files, ex.map(_decode, paths)))


def load_pack(pack_dir, workers=None):
    """-> dict of numpy pools: speech_<name> 1-D arrays, noise (1-D), noise_start/len/category,
    categories (list of names), rir / rir_early ([N, L]) if present.

    The decoded pools are cached in PACK/decoded/ (plain .npy, memory-mapped), so the processes
    of a run, and later runs, decode the Opus files once."""
    idx = json.load(open(os.path.join(pack_dir, "index.json")))
    cache = os.path.join(pack_dir, "decoded")
    out = {"categories": idx["noise_categories"]}
    if not os.path.exists(os.path.join(cache, "done")):
        files = [c["file"] for chunks in idx["speech"].values() for c in chunks] + [c["file"] for c in idx["noise"]]
        dec = _decode_files(pack_dir, files, workers or min(16, os.cpu_count() or 1))
        pools = {"speech_" + pool: np.concatenate([dec[c["file"]] for c in chunks])
                 for pool, chunks in idx["speech"].items()}
        parts = []
        for c in idx["noise"]:
            x, total = dec[c["file"]], sum(c["lengths"])
            if len(x) < total:  # the codec's length can differ by a few samples
                x = np.concatenate([x, np.zeros(total - len(x), np.float32)])
            parts.append(x[:total])
        pools["noise"] = np.concatenate(parts)
        os.makedirs(cache, exist_ok=True)
        for k, v in pools.items():
            np.save(os.path.join(cache, k + ".tmp.npy"), v)
            os.replace(os.path.join(cache, k + ".tmp.npy"), os.path.join(cache, k + ".npy"))
        open(os.path.join(cache, "done"), "w").close()
    for pool in idx["speech"]:
        out["speech_" + pool] = np.load(os.path.join(cache, f"speech_{pool}.npy"), mmap_mode="r")
    out["noise"] = np.load(os.path.join(cache, "noise.npy"), mmap_mode="r")
    starts, lens, cats = [], [], []
    pos = 0
    for c in idx["noise"]:
        for n, cat in zip(c["lengths"], c["categories"]):
            starts.append(pos); lens.append(n); cats.append(cat)
            pos += n
    out["noise_start"] = np.array(starts, np.int64)
    out["noise_len"] = np.array(lens, np.int64)
    out["noise_category"] = np.array(cats, np.int64)
    rp = os.path.join(pack_dir, "rirs.npz")
    if os.path.exists(rp):
        z = np.load(rp)
        out["rir"] = z["rir"].astype(np.float32)
        out["rir_early"] = z["rir_early"].astype(np.float32)
    return out


class DeviceMixer:
    """Batches of (noisy, clean target) [bs, n] made on `device` from a loaded pack."""

    def __init__(self, pools, device, seg=3.0, seed=0, p_real_speech=0.5, p_reverb=0.35,
                 p_noise_real=0.7, p_noise_synth=0.2):
        self.dev = torch.device(device)
        self.n = int(seg * SR)
        self.seed = seed
        self.p_real_speech, self.p_reverb = p_real_speech, p_reverb
        self.p_noise_real, self.p_noise_synth = p_noise_real, p_noise_synth
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(self.dev)
        names = sorted(k for k in pools if k.startswith("speech_"))
        self.speech = [t(pools[k]) for k in names]
        self.speech_real = [i for i, k in enumerate(names) if k != "speech_tts"]
        self.speech_tts = [i for i, k in enumerate(names) if k == "speech_tts"]
        self.noise = t(pools["noise"])
        self.noise_start, self.noise_len = t(pools["noise_start"]), t(pools["noise_len"])
        cats = pools["noise_category"]
        present = sorted(set(cats.tolist()))
        width = max(int((cats == c).sum()) for c in present)
        table = np.zeros((len(present), width), np.int64)
        counts = np.zeros(len(present), np.int64)
        for j, c in enumerate(present):
            f = np.nonzero(cats == c)[0]
            table[j, :len(f)] = f; counts[j] = len(f)
        self.cat_table, self.cat_counts = t(table), t(counts)
        self.rir = t(pools["rir"]) if "rir" in pools else None
        self.rir_early = t(pools["rir_early"]) if "rir" in pools else None
        self.arange = torch.arange(self.n, device=self.dev)
        self.freqs = torch.fft.rfftfreq(self.n, 1.0 / SR).to(self.dev)

    # -- helpers -----------------------------------------------------------------------------
    def _u(self, g, *shape):
        return torch.rand(*shape, generator=g, device=self.dev)

    def _crop(self, g, pool, bs):
        off = (self._u(g, bs) * (len(pool) - self.n)).long()
        return pool[off[:, None] + self.arange[None, :]]

    def _speech(self, g, bs):
        """Crops of speech, a pool chosen per example (real speech with p_real_speech)."""
        pools = self.speech
        s = torch.zeros(bs, self.n, device=self.dev)
        choice = self._u(g, bs)
        real = choice < self.p_real_speech if self.speech_real and self.speech_tts else \
            torch.full((bs,), bool(self.speech_real), device=self.dev)
        for group, sel in ((self.speech_real, real), (self.speech_tts, ~real)):
            if not group:
                continue
            which = (self._u(g, bs) * len(group)).long()
            for j, pi in enumerate(group):
                crop = self._crop(g, pools[pi], bs)
                s = torch.where((sel & (which == j))[:, None], crop, s)
        return s

    def _recorded_noise(self, g, bs):
        cat = (self._u(g, bs) * len(self.cat_counts)).long()
        within = (self._u(g, bs) * self.cat_counts[cat]).long()
        f = self.cat_table[cat, within]
        st, ln = self.noise_start[f], self.noise_len[f]
        off = (self._u(g, bs) * ln).long()
        idx = st[:, None] + (off[:, None] + self.arange[None, :]) % ln[:, None]
        return self.noise[idx]

    def _procedural_noise(self, g, bs):
        w = torch.randn(bs, self.n, generator=g, device=self.dev)
        W = torch.fft.rfft(w)
        alpha = -0.5 + 1.7 * self._u(g, bs, 1)  # amplitude slope: white (0), pink (0.5), brown (1)
        f = self.freqs.clamp_min(20.0)[None, :]
        x = torch.fft.irfft(W * (f / 1000.0) ** (-alpha), n=self.n)
        hum = self._u(g, bs) < 0.3
        f0 = torch.tensor([50.0, 60.0, 100.0, 120.0], device=self.dev)[(self._u(g, bs) * 4).long()]
        t = self.arange[None, :] / SR
        h = torch.zeros_like(x)
        for k in range(1, 9):
            amp = self._u(g, bs, 1) / k
            h = h + amp * torch.sin(2 * math.pi * k * f0[:, None] * t + 6.283 * self._u(g, bs, 1))
        x = torch.where(hum[:, None], x / (_rms(x) + 1e-9) * 0.3 + h / (_rms(h) + 1e-9), x)
        mod = self._u(g, bs) < 0.4
        rate = 0.1 + 4.0 * self._u(g, bs, 1)
        env = 1.0 + 0.9 * torch.sin(2 * math.pi * rate * t + 6.283 * self._u(g, bs, 1))
        return torch.where(mod[:, None], x * env, x)

    def _babble(self, g, bs):
        b = torch.zeros(bs, self.n, device=self.dev)
        for _ in range(5):
            b = b + self._speech(g, bs) * self._u(g, bs, 1)
        return b

    def _fftconv(self, s, h):
        L = self.n + h.shape[1]
        nf = 1 << (L - 1).bit_length()
        return torch.fft.irfft(torch.fft.rfft(s, nf) * torch.fft.rfft(h, nf), nf)[:, :self.n]

    def _colour(self, g, bs):
        """Random microphone / EQ response |H(f)| [bs, F] (zero phase)."""
        lf = torch.log2(self.freqs.clamp_min(20.0))[None, :]
        db = torch.zeros(bs, len(self.freqs), device=self.dev)
        for _ in range(3):
            fc = math.log2(150.0) + (math.log2(6500.0) - math.log2(150.0)) * self._u(g, bs, 1)
            bw = 0.3 + 1.2 * self._u(g, bs, 1)
            gain = -8.0 + 16.0 * self._u(g, bs, 1)
            db = db + gain * torch.exp(-0.5 * ((lf - fc) / bw) ** 2)
        H = 10 ** (db / 20)
        hp = self._u(g, bs, 1) < 0.3
        fch = 60.0 + 190.0 * self._u(g, bs, 1)
        H = torch.where(hp, H / torch.sqrt(1 + (fch / self.freqs.clamp_min(1.0)) ** 4), H)
        lp = self._u(g, bs, 1) < 0.15
        fcl = 3400.0 + 4100.0 * self._u(g, bs, 1)
        H = torch.where(lp, H / torch.sqrt(1 + (self.freqs / fcl) ** 8), H)
        return H

    # -- the batch ---------------------------------------------------------------------------
    @torch.no_grad()
    def batch(self, step, bs):
        g = torch.Generator(device=self.dev)
        g.manual_seed(int(self.seed) * 1_000_003 + int(step))
        n = self.n
        s = self._speech(g, bs)
        # speech often starts or stops inside the segment; a few segments are noise only
        cut = self._u(g, bs) < 0.5
        a = (self._u(g, bs, 1) * n).long()
        head = self._u(g, bs, 1) < 0.5
        keep = torch.where(head, self.arange[None, :] >= a, self.arange[None, :] < a)
        s = torch.where(cut[:, None] & ~keep, torch.zeros_like(s), s)
        s = torch.where((self._u(g, bs) < 0.04)[:, None], torch.zeros_like(s), s)
        # reverb: the mixture hears the whole room, the target its direct path + early reflections
        wet, target = s, s
        if self.rir is not None:
            ri = (self._u(g, bs) * self.rir.shape[0]).long()
            rev = (self._u(g, bs) < self.p_reverb)[:, None]
            wet = torch.where(rev, self._fftconv(s, self.rir[ri]), s)
            target = torch.where(rev, self._fftconv(s, self.rir_early[ri]), s)
        # noise
        kind = self._u(g, bs)
        nz = self._recorded_noise(g, bs)
        nz = torch.where((kind >= self.p_noise_real)[:, None], self._procedural_noise(g, bs), nz)
        nz = torch.where((kind >= self.p_noise_real + self.p_noise_synth)[:, None], self._babble(g, bs), nz)
        nz = nz / _rms(nz).clamp_min(1e-7)
        second = (self._u(g, bs) < 0.3)[:, None]
        n2 = self._recorded_noise(g, bs)
        nz = torch.where(second, nz + n2 / _rms(n2).clamp_min(1e-7) * self._u(g, bs, 1), nz)
        nz = nz / _rms(nz).clamp_min(1e-7)
        u = self._u(g, bs, 1)
        snr = torch.where(u < 0.9, -5.0 + 25.0 * self._u(g, bs, 1), 20.0 + 20.0 * self._u(g, bs, 1))
        ps = _rms(wet)
        ps = torch.where(ps > 1e-5, ps, torch.full_like(ps, 0.05))  # noise-only: any level
        nscale = ps * 10 ** (-snr / 20)
        nscale = torch.where(u > 0.95, torch.zeros_like(nscale), nscale)  # 5 %: clean speech only
        m = wet + nz * nscale
        # microphone / EQ colouring, alike on both
        col = (self._u(g, bs) < 0.5)[:, None]
        H = self._colour(g, bs)
        m = torch.where(col, torch.fft.irfft(torch.fft.rfft(m) * H, n=n), m)
        target = torch.where(col, torch.fft.irfft(torch.fft.rfft(target) * H, n=n), target)
        # level, then clipping of some mixtures (never of the target)
        lvl = -45.0 + 30.0 * self._u(g, bs, 1)
        gain = 10 ** (lvl / 20) / _rms(m).clamp_min(1e-7)
        m, target = m * gain, target * gain
        pk = m.abs().amax(1, keepdim=True)
        clip = (self._u(g, bs) < 0.05)[:, None]
        thr = pk * (0.3 + 0.5 * self._u(g, bs, 1))
        m = torch.where(clip, torch.maximum(torch.minimum(m, thr), -thr), m)
        pk = m.abs().amax(1, keepdim=True)
        sc = torch.where(pk > 0.99, 0.99 / pk, torch.ones_like(pk))
        return (m * sc).float(), (target * sc).float()
