"""HushNet: causal gated depthwise-separable TCN speech enhancer (training side).

Follows training/FORMAT.md to the letter:
  STFT (n_fft 512, hop 256, periodic sqrt-Hann, n_fft-hop zeros of left padding)
  -> phi = ln(|X|^2 + 1e-8) -> (fixed per-bin standardisation, folded into the front-end at export)
  -> front-end 1x1 (F->R) + ReLU
  -> B residual blocks: gate (R->G ReLU ->C) gives scores s; binary gates g = top-k(s > 0),
     k = ceil(b*C - 1e-3); u = g * PReLU(BN(pw1 r)); v = g * PReLU(BN(causal dilated dw(u)));
     r += pw2 v
  -> back-end 1x1 (R->F) + sigmoid = real mask m
  -> gain floor + (1 - floor) m on the complex noisy STFT (floor = 10^(-L/20) for the model file's
     attenuation limit L dB; none in training) -> inverse STFT (WOLA).

Training uses straight-through gates: the forward pass uses exactly the binary gates of inference
(an off channel is zero in u, hence zero in the depthwise history, and zero in v); the backward pass
uses the gradient of sigmoid(s / tau) as a surrogate. The rate loss pulls the mean of the soft gate
(uncapped) toward a target active-channel fraction.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as Fn

from macformula import budget_k

SR = 16000
N_FFT = 512
HOP = 256
BINS = N_FFT // 2 + 1
FEATURE_FLOOR = 1e-8


def sqrt_hann(n_fft=N_FFT, dtype=torch.float32):
    n = torch.arange(n_fft, dtype=torch.float64)
    return torch.sqrt(0.5 - 0.5 * torch.cos(2 * math.pi * n / n_fft)).to(dtype)


def synthesis_norm(n_fft=N_FFT, hop=HOP):
    w2 = sqrt_hann(n_fft, torch.float64) ** 2
    S = torch.zeros(hop, dtype=torch.float64)
    for k in range(n_fft // hop):
        S += w2[k * hop:(k + 1) * hop]
    return S  # S[n mod hop]


def stft(x, n_fft=N_FFT, hop=HOP):
    """x [Bt, N] -> X [Bt, T, F] complex, T = floor(N / hop), FORMAT.md framing."""
    xp = Fn.pad(x, (n_fft - hop, 0))
    T = x.shape[-1] // hop
    frames = xp.unfold(-1, n_fft, hop)[:, :T]  # [Bt, T, n_fft]
    return torch.fft.rfft(frames * sqrt_hann(n_fft, x.dtype).to(x.device), dim=-1)


def istft(Y, n_fft=N_FFT, hop=HOP):
    """Y [Bt, T, F] -> y_full[0 ..< T*hop] (stream output, delayed by n_fft - hop)."""
    Bt, T, _ = Y.shape
    fr = torch.fft.irfft(Y, n=n_fft, dim=-1)  # normalised by 1/n_fft
    w = sqrt_hann(n_fft, fr.dtype).to(fr.device)
    S = synthesis_norm(n_fft, hop).to(fr.dtype).to(fr.device).repeat(n_fft // hop)
    fr = fr * (w / S)
    # overlap-add via fold
    out_len = (T - 1) * hop + n_fft
    y = Fn.fold(fr.transpose(1, 2), output_size=(1, out_len), kernel_size=(1, n_fft), stride=(1, hop))
    return y.reshape(Bt, out_len)[:, :T * hop]


def features(X):
    return torch.log(X.real ** 2 + X.imag ** 2 + FEATURE_FLOOR)


def gain_floor(attenuation_limit_db):
    """The smallest gain an attenuation limit of L dB allows, 10^(-L/20); None (no limit) -> 0."""
    return 0.0 if attenuation_limit_db is None else 10.0 ** (-float(attenuation_limit_db) / 20.0)


def limited_gain(mask, attenuation_limit_db):
    """FORMAT.md step 5: the gain applied to the noisy spectrum, floor + (1 - floor) * mask, i.e.
    the mask mixed with a fraction `floor` of the noisy input (nothing is attenuated by more than
    L dB). Without a limit the gain is the mask itself."""
    if attenuation_limit_db is None:
        return mask
    f = gain_floor(attenuation_limit_db)
    return f + (1.0 - f) * mask


class PReLU(nn.Module):
    """Per-channel PReLU on the last dim: z if z >= 0 else a*z."""

    def __init__(self, C, init=0.25):
        super().__init__()
        self.weight = nn.Parameter(torch.full((C,), init))

    def forward(self, z):
        return torch.where(z >= 0, z, self.weight * z)


class CausalDW(nn.Module):
    """Causal dilated depthwise conv over time on [Bt, T, C]; weight [C, K], tap K-1 = current."""

    def __init__(self, C, K, d):
        super().__init__()
        self.C, self.K, self.d = C, K, d
        self.weight = nn.Parameter(torch.randn(C, K) / math.sqrt(K))
        self.bias = nn.Parameter(torch.zeros(C))

    def forward(self, u):
        T = u.shape[1]
        up = Fn.pad(u, (0, 0, (self.K - 1) * self.d, 0))
        acc = self.bias
        for j in range(self.K):
            acc = acc + self.weight[:, j] * up[:, j * self.d: j * self.d + T]
        return acc


class BN(nn.BatchNorm1d):
    """BatchNorm over the last dim of [Bt, T, C]."""

    def forward(self, z):
        sh = z.shape
        return super().forward(z.reshape(-1, sh[-1])).reshape(sh)


class GatedBlock(nn.Module):
    def __init__(self, R, C, G, K, d, gated=True):
        super().__init__()
        self.R, self.C, self.G, self.K, self.d = R, C, G, K, d
        self.gated = gated  # False: a static block, every channel always computed
        self.gate1 = nn.Linear(R, G)
        self.gate2 = nn.Linear(G, C)
        self.pw1 = nn.Linear(R, C)
        self.bn1 = BN(C)
        self.prelu1 = PReLU(C)
        self.dw = CausalDW(C, K, d)
        self.bn2 = BN(C)
        self.prelu2 = PReLU(C)
        self.pw2 = nn.Linear(C, R)
        nn.init.constant_(self.gate2.bias, 2.0)  # start with (almost) every channel on

    def scores(self, r):
        return self.gate2(torch.relu(self.gate1(r)))  # [Bt, T, C]

    def forward(self, r, k, tau=1.0):
        """r [Bt, T, R]; k = channel cap (int, or LongTensor [Bt] for per-example caps)."""
        if not self.gated:
            ones = torch.ones(*r.shape[:-1], self.C, device=r.device, dtype=r.dtype)
            u = self.prelu1(self.bn1(self.pw1(r)))
            v = self.prelu2(self.bn2(self.dw(u)))
            return r + self.pw2(v), ones, ones, None
        s = self.scores(r)
        hard = (s > 0)
        C = self.C
        if isinstance(k, torch.Tensor):
            capped = k < C
            if bool(capped.any()):
                kmax = int(k[capped].max())
                top = torch.topk(s, kmax, dim=-1).values  # [Bt, T, kmax] sorted descending
                idx = (k.clamp(max=kmax) - 1).view(-1, 1, 1).expand(-1, s.shape[1], 1)
                thr = torch.gather(top, -1, idx)
                thr = torch.where(capped.view(-1, 1, 1), thr, torch.full_like(thr, -float("inf")))
                hard = hard & (s >= thr)
        elif k < C:
            thr = torch.topk(s, k, dim=-1).values[..., k - 1:k]
            hard = hard & (s >= thr)
        hard = hard.to(s.dtype)
        if self.training:
            soft = torch.sigmoid(s / tau)
            g = hard + soft - soft.detach()
        else:
            soft = None
            g = hard
        u = g * self.prelu1(self.bn1(self.pw1(r)))
        v = g * self.prelu2(self.bn2(self.dw(u)))
        return r + self.pw2(v), s, hard, soft


class HushNet(nn.Module):
    def __init__(self, R=80, C=256, G=8, B=9, K=3, gated=True):
        super().__init__()
        self.R, self.C, self.G, self.B, self.K = R, C, G, B, K
        self.gated = gated
        self.dilations = [2 ** (i % 3) for i in range(B)]
        self.register_buffer("feat_mean", torch.zeros(BINS))
        self.register_buffer("feat_std", torch.ones(BINS))
        self.frontend = nn.Linear(BINS, R)
        self.blocks = nn.ModuleList(GatedBlock(R, C, G, K, d, gated) for d in self.dilations)
        self.backend = nn.Linear(R, BINS)
        self.attenuation_limit_db = None  # inference setting (model-file metadata), not trained

    def config(self):
        return dict(R=self.R, C=self.C, G=self.G, B=self.B, K=self.K, gated=self.gated)

    def mask_from_spec(self, X, budget=1.0, tau=1.0):
        """X [Bt, T, F] complex -> mask [Bt, T, F], list of (scores, hard, soft) per block, each
        [Bt, T, C]. budget: float, or tensor [Bt] of per-example budgets."""
        phi = features(X)
        phi = (phi - self.feat_mean) / self.feat_std
        r = torch.relu(self.frontend(phi))
        if isinstance(budget, torch.Tensor):
            k = torch.tensor([budget_k(float(b), self.C) for b in budget], device=X.device)
            if bool((k == self.C).all()):
                k = self.C
        else:
            k = budget_k(budget, self.C)
        aux = []
        for blk in self.blocks:
            r, s, hard, soft = blk(r, k, tau)
            aux.append((s, hard, soft))
        mask = torch.sigmoid(self.backend(r))
        return mask, aux

    def forward(self, x, budget=1.0, tau=1.0):
        X = stft(x)
        mask, aux = self.mask_from_spec(X, budget, tau)
        y = istft(limited_gain(mask, self.attenuation_limit_db) * X)
        return y, mask, aux


# ---------------------------------------------------------------------------------------------
# Export: fold BN + input standardisation into the FORMAT.md tensors (float32 numpy dict)
# ---------------------------------------------------------------------------------------------
def export_tensors(model):
    m = model
    t = {}
    with torch.no_grad():
        W = m.frontend.weight.double()
        b = m.frontend.bias.double()
        mu, sd = m.feat_mean.double(), m.feat_std.double()
        t["frontend.weight"] = W / sd[None, :]
        t["frontend.bias"] = b - (W * (mu / sd)[None, :]).sum(1)
        for i, blk in enumerate(m.blocks):
            p = f"block.{i}."
            t[p + "gate.w1"] = blk.gate1.weight.double()
            t[p + "gate.b1"] = blk.gate1.bias.double()
            t[p + "gate.w2"] = blk.gate2.weight.double()
            t[p + "gate.b2"] = blk.gate2.bias.double()
            if not m.gated:  # a static network: gates that score every channel +1, always on
                t[p + "gate.w1"] = torch.zeros_like(t[p + "gate.w1"])
                t[p + "gate.b1"] = torch.zeros_like(t[p + "gate.b1"])
                t[p + "gate.w2"] = torch.zeros_like(t[p + "gate.w2"])
                t[p + "gate.b2"] = torch.ones_like(t[p + "gate.b2"])
            bn = blk.bn1
            sc = bn.weight.double() / torch.sqrt(bn.running_var.double() + bn.eps)
            t[p + "pw1.weight"] = blk.pw1.weight.double() * sc[:, None]
            t[p + "pw1.bias"] = (blk.pw1.bias.double() - bn.running_mean.double()) * sc + bn.bias.double()
            t[p + "prelu1.slope"] = blk.prelu1.weight.double()
            bn = blk.bn2
            sc = bn.weight.double() / torch.sqrt(bn.running_var.double() + bn.eps)
            t[p + "dw.weight"] = blk.dw.weight.double() * sc[:, None]
            t[p + "dw.bias"] = (blk.dw.bias.double() - bn.running_mean.double()) * sc + bn.bias.double()
            t[p + "prelu2.slope"] = blk.prelu2.weight.double()
            t[p + "pw2.weight"] = blk.pw2.weight.double()
            t[p + "pw2.bias"] = blk.pw2.bias.double()
        t["backend.weight"] = m.backend.weight.double()
        t["backend.bias"] = m.backend.bias.double()
    return {k: v.numpy().astype(np.float32) for k, v in t.items()}


def load_folded(model, t):
    """The inverse of export_tensors for fine-tuning from a model file: the folded tensors go into
    the layers, and BN and the input standardisation are set to identity (BN's running variance
    1 - eps, so its scale is exactly 1). Train such a model with frozen BN (freeze_bn) or the
    folded statistics are counted twice."""
    m = model
    with torch.no_grad():
        m.feat_mean.zero_(); m.feat_std.fill_(1.0)
        m.frontend.weight.copy_(torch.from_numpy(t["frontend.weight"]))
        m.frontend.bias.copy_(torch.from_numpy(t["frontend.bias"]))
        for i, blk in enumerate(m.blocks):
            p = f"block.{i}."
            for name, param in (("gate.w1", blk.gate1.weight), ("gate.b1", blk.gate1.bias),
                                ("gate.w2", blk.gate2.weight), ("gate.b2", blk.gate2.bias),
                                ("pw1.weight", blk.pw1.weight), ("pw1.bias", blk.pw1.bias),
                                ("prelu1.slope", blk.prelu1.weight), ("dw.weight", blk.dw.weight),
                                ("dw.bias", blk.dw.bias), ("prelu2.slope", blk.prelu2.weight),
                                ("pw2.weight", blk.pw2.weight), ("pw2.bias", blk.pw2.bias)):
                param.copy_(torch.from_numpy(t[p + name]))
            for bn in (blk.bn1, blk.bn2):
                bn.running_mean.zero_(); bn.running_var.fill_(1.0 - bn.eps)
                bn.weight.fill_(1.0); bn.bias.zero_()
        m.backend.weight.copy_(torch.from_numpy(t["backend.weight"]))
        m.backend.bias.copy_(torch.from_numpy(t["backend.bias"]))


def freeze_bn(model):
    """BN layers to eval mode with fixed affine parameters (after load_folded they are identity)."""
    for blk in model.blocks:
        for bn in (blk.bn1, blk.bn2):
            bn.eval()
            bn.weight.requires_grad_(False); bn.bias.requires_grad_(False)


def model_metadata(R, C, G, B, K, attenuation_limit_db=None):
    md = [("sample_rate", 0, SR), ("n_fft", 0, N_FFT), ("hop", 0, HOP), ("window", 0, 0),
          ("bins", 0, BINS), ("residual_channels", 0, R), ("conv_channels", 0, C),
          ("gate_rank", 0, G), ("blocks", 0, B), ("kernel_size", 0, K)]
    md += [(f"block.{i}.dilation", 0, 2 ** (i % 3)) for i in range(B)]
    md += [("default_budget", 1, 1.0), ("feature_floor", 1, FEATURE_FLOOR)]
    if attenuation_limit_db is not None:
        md += [("attenuation_limit_db", 1, float(attenuation_limit_db))]
    return md


def expected_shapes(R, C, G, B, K, F=BINS):
    s = {"frontend.weight": (R, F), "frontend.bias": (R,), "backend.weight": (F, R), "backend.bias": (F,)}
    for i in range(B):
        p = f"block.{i}."
        s.update({p + "gate.w1": (G, R), p + "gate.b1": (G,), p + "gate.w2": (C, G), p + "gate.b2": (C,),
                  p + "pw1.weight": (C, R), p + "pw1.bias": (C,), p + "prelu1.slope": (C,),
                  p + "dw.weight": (C, K), p + "dw.bias": (C,), p + "prelu2.slope": (C,),
                  p + "pw2.weight": (R, C), p + "pw2.bias": (R,)})
    return s


def tensor_order(B):
    names = ["frontend.weight", "frontend.bias"]
    for i in range(B):
        p = f"block.{i}."
        names += [p + n for n in ("gate.w1", "gate.b1", "gate.w2", "gate.b2", "pw1.weight", "pw1.bias",
                                  "prelu1.slope", "dw.weight", "dw.bias", "prelu2.slope", "pw2.weight",
                                  "pw2.bias")]
    return names + ["backend.weight", "backend.bias"]
