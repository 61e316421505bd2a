"""Frame-by-frame reference forward that follows training/FORMAT.md literally (numpy, float64
arithmetic on the file's tensors: float32, or int8 times their scales). It reads only what the
container holds, never the PyTorch model, so it checks the exporter as well as the network
definition.

  python reference.py MODEL.hush IN.wav OUT.wav [--budget 0.5]
"""
import argparse
import math

import numpy as np

import container
import macformula
import quantize


def check_metadata(md):
    for k in ("sample_rate", "n_fft", "hop", "window", "bins", "residual_channels", "conv_channels",
              "gate_rank", "blocks", "kernel_size"):
        if k not in md:
            raise ValueError(f"missing metadata {k}")
    n_fft, hop = md["n_fft"], md["hop"]
    if n_fft <= 0 or hop <= 0 or n_fft % hop or md["bins"] != n_fft // 2 + 1 or md["window"] != 0:
        raise ValueError("bad framing metadata")
    for k in ("residual_channels", "conv_channels", "gate_rank", "blocks", "kernel_size"):
        if md[k] <= 0:
            raise ValueError(f"metadata {k} out of range")
    if "attenuation_limit_db" in md and not md["attenuation_limit_db"] > 0:
        raise ValueError("metadata attenuation_limit_db out of range")


class Reference:
    def __init__(self, md, t):
        check_metadata(md)
        # int8 files (FORMAT.md "int8 weights") run on their dequantized weights, q · scale.
        self.md, self.t = md, quantize.dequantize(t)
        self.n_fft, self.hop, self.F = md["n_fft"], md["hop"], md["bins"]
        self.R, self.C, self.G = md["residual_channels"], md["conv_channels"], md["gate_rank"]
        self.B, self.K = md["blocks"], md["kernel_size"]
        self.d = [md.get(f"block.{i}.dilation", 2 ** (i % 3)) for i in range(self.B)]
        self.eps = float(md.get("feature_floor", 1e-8))
        limit = md.get("attenuation_limit_db")  # absent: no limit, the gain is the mask
        self.gain_floor = 0.0 if limit is None else 10.0 ** (-limit / 20.0)
        n = np.arange(self.n_fft)
        self.w = np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * n / self.n_fft))
        S = np.zeros(self.hop)
        for k in range(self.n_fft // self.hop):
            S += self.w[k * self.hop:(k + 1) * self.hop] ** 2
        self.S = S
        # Optional speech-activity head (FORMAT.md): all of it or none of it.
        self.vad = None
        if "vad.weight" in t:
            if t["vad.weight"].shape != (2, self.B) or t.get("vad.bias", np.zeros(0)).shape != (1,):
                raise ValueError("mis-shaped speech-activity head")
            alpha = float(md.get("vad_smoothing", 0.0))
            if not 0 <= alpha < 1:
                raise ValueError("metadata vad_smoothing out of range")
            self.vad = (self.t["vad.weight"], float(self.t["vad.bias"][0]), alpha)
        elif "vad.bias" in t:
            raise ValueError("vad.bias without vad.weight")

    @staticmethod
    def prelu(z, a):
        return np.where(z >= 0, z, a * z)

    def run(self, x, budget=1.0, record=False):
        n_fft, hop, F, C, K, B = self.n_fft, self.hop, self.F, self.C, self.K, self.B
        t = self.t
        x = np.asarray(x, np.float64)
        T = len(x) // hop
        xp = np.concatenate([np.zeros(n_fft - hop), x])
        y_full = np.zeros(T * hop + n_fft)
        k = macformula.budget_k(budget, C)
        # causal histories: hist[i][j] = u_{t - j} for j = 0 ... (K-1)*d
        hist = [np.zeros(((K - 1) * d + 1, C)) for d in self.d]
        rec_s = np.zeros((B, T, C)); rec_g = np.zeros((B, T, C)); rec_m = np.zeros((T, F))
        active = np.zeros((T, B), np.int64)
        mean_scores = np.zeros((T, B))
        wsyn = np.tile(self.w / np.concatenate([self.S] * (n_fft // hop)), 1)
        for ti in range(T):
            frame = xp[ti * hop: ti * hop + n_fft] * self.w
            X = np.fft.rfft(frame)
            phi = np.log(X.real ** 2 + X.imag ** 2 + self.eps)
            r = np.maximum(t["frontend.weight"] @ phi + t["frontend.bias"], 0.0)
            for i in range(B):
                p = f"block.{i}."
                d = self.d[i]
                h = np.maximum(t[p + "gate.w1"] @ r + t[p + "gate.b1"], 0.0)
                s = t[p + "gate.w2"] @ h + t[p + "gate.b2"]
                # active set: positive scores, k highest, ties -> lower channel index first
                order = np.argsort(-s, kind="stable")
                g = np.zeros(C)
                for c in order[:k]:
                    if s[c] > 0:
                        g[c] = 1.0
                u = g * self.prelu(t[p + "pw1.weight"] @ r + t[p + "pw1.bias"], t[p + "prelu1.slope"])
                hist[i] = np.roll(hist[i], 1, axis=0)
                hist[i][0] = u
                acc = t[p + "dw.bias"].copy()
                for j in range(K):
                    acc = acc + t[p + "dw.weight"][:, j] * hist[i][(K - 1 - j) * d]
                v = g * self.prelu(acc, t[p + "prelu2.slope"])
                r = r + t[p + "pw2.weight"] @ v + t[p + "pw2.bias"]
                if record:
                    rec_s[i, ti] = s; rec_g[i, ti] = g
                active[ti, i] = int(g.sum())
                mean_scores[ti, i] = s.mean()
            mask = 1.0 / (1.0 + np.exp(-(t["backend.weight"] @ r + t["backend.bias"])))
            rec_m[ti] = mask
            Y = (self.gain_floor + (1.0 - self.gain_floor) * mask) * X
            y = np.fft.irfft(Y, n=n_fft) * wsyn
            y_full[ti * hop: ti * hop + n_fft] += y
        out = dict(output=y_full[:T * hop], mask=rec_m, active=active)
        if self.vad is not None:  # the head, frame by frame; else -1
            out["speech_probability"] = head_probabilities(*self.vad, active / C, mean_scores)
        else:
            out["speech_probability"] = np.full(T, -1.0)
        if record:
            out.update(scores=rec_s, gates=rec_g)
        return out

    def executed_macs(self, active):
        """active [T, B] active-channel counts -> executed MACs per frame (FORMAT.md formula)."""
        return np.array([macformula.executed_macs_per_frame(self.R, self.C, self.G, self.B, self.K,
                                                            row, self.F) for row in active])

    def dense_macs(self):
        return macformula.dense_macs_per_frame(self.R, self.C, self.G, self.B, self.K, self.F)


def head_probabilities(weight, bias, alpha, fractions, mean_scores):
    """The speech-activity head frame by frame as FORMAT.md defines it (float64):
    fractions, mean_scores [T, B] -> p [T]."""
    weight = np.asarray(weight, np.float64)
    z_bar = float(bias)
    p = np.empty(len(fractions))
    for t in range(len(fractions)):
        z = float(bias) + weight[0] @ fractions[t] + weight[1] @ mean_scores[t]
        z_bar = alpha * z_bar + (1 - alpha) * z
        p[t] = 1 / (1 + np.exp(-z_bar))
    return p


def load(path):
    md, t = container.read(path)
    return Reference(md, t)


if __name__ == "__main__":
    import soundfile as sf
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("inp"); ap.add_argument("out")
    ap.add_argument("--budget", type=float, default=1.0)
    a = ap.parse_args()
    ref = load(a.model)
    x, sr = sf.read(a.inp, dtype="float64")
    assert sr == ref.md["sample_rate"]
    o = ref.run(x, a.budget)
    y = np.concatenate([o["output"][ref.n_fft - ref.hop:], np.zeros(ref.n_fft - ref.hop)])[:len(x)]
    sf.write(a.out, y, sr, subtype="FLOAT")
    print(f"MACs/s executed {ref.executed_macs(o['active']).mean() * sr / ref.hop / 1e6:.2f} M, "
          f"dense {ref.dense_macs() * sr / ref.hop / 1e6:.2f} M")
