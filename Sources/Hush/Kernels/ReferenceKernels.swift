/// Plain scalar kernels: the specification the fast kernels are tested against, and the
/// brute-force MAC counter (every multiply-accumulate increments `macs`).
///
/// Layouts: matrices are row-major; `indices` lists active channels in ascending order; "compact"
/// vectors hold one value per active channel, in the order of `indices`. Weights are `Float` or
/// `Int8` (`KernelWeight`); `scales`, where a kernel takes them, multiply each row's dot product
/// before its bias (int8 weights with per-output-channel scales; nil: none).
public enum ReferenceKernels {
    /// `sum` times row `row`'s scale, or `sum` itself without scales.
    @inlinable @inline(__always)
    public static func scaled(_ sum: Float, _ scales: UnsafePointer<Float>?, _ row: Int) -> Float {
        if let scales { return sum * scales[row] }
        return sum
    }

    /// `y = W·x + b`, W `[rows, cols]`.
    public static func matVec<W: KernelWeight>(_ w: UnsafePointer<W>, rows: Int, cols: Int,
                                               _ x: UnsafePointer<Float>, scales: UnsafePointer<Float>? = nil,
                                               bias: UnsafePointer<Float>,
                                               into y: UnsafeMutablePointer<Float>, macs: inout Int) {
        for r in 0..<rows {
            var sum: Float = 0
            for c in 0..<cols {
                sum += w[r * cols + c].kernelValue * x[c]
                macs += 1
            }
            y[r] = scaled(sum, scales, r) + bias[r]
        }
    }

    /// `y[j] = W[indices[j], :]·x + b[indices[j]]` for the active rows only.
    public static func gatherRows<W: KernelWeight>(_ w: UnsafePointer<W>, cols: Int,
                                                   indices: UnsafePointer<Int32>, count: Int,
                                                   _ x: UnsafePointer<Float>, scales: UnsafePointer<Float>? = nil,
                                                   bias: UnsafePointer<Float>,
                                                   into y: UnsafeMutablePointer<Float>, macs: inout Int) {
        for j in 0..<count {
            let row = Int(indices[j])
            var sum: Float = 0
            for c in 0..<cols {
                sum += w[row * cols + c].kernelValue * x[c]
                macs += 1
            }
            y[j] = scaled(sum, scales, row) + bias[row]
        }
    }

    /// `out += Σ_j v[j] · Wᵀ[indices[j], :]`, Wᵀ `[channels, cols]` (a transposed `[cols, channels]`).
    public static func scatterAccumulate<W: KernelWeight>(_ wT: UnsafePointer<W>, cols: Int,
                                                          indices: UnsafePointer<Int32>, count: Int,
                                                          _ v: UnsafePointer<Float>,
                                                          into out: UnsafeMutablePointer<Float>, macs: inout Int) {
        for j in 0..<count {
            let row = Int(indices[j])
            for c in 0..<cols {
                out[c] += v[j] * wT[row * cols + c].kernelValue
                macs += 1
            }
        }
    }

    /// Causal dilated depthwise conv for the active channels:
    /// `y[j] = Σ_t taps[ch, t] · history[t][ch] + b[ch]`, ch = indices[j], where `history[t]`
    /// points at the frame that tap t reads (tap K−1 is the current frame).
    public static func depthwise<W: KernelWeight>(taps: UnsafePointer<W>, kernelSize: Int,
                                 history: UnsafePointer<UnsafeMutablePointer<Float>>,
                                 indices: UnsafePointer<Int32>, count: Int,
                                 bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                 macs: inout Int) {
        for j in 0..<count {
            let ch = Int(indices[j])
            var sum: Float = 0
            for t in 0..<kernelSize {
                sum += taps[ch * kernelSize + t].kernelValue * history[t][ch]
                macs += 1
            }
            y[j] = sum + bias[ch]
        }
    }

    /// PReLU: z for z ≥ 0, slope·z below. Branch-free on purpose: the sign of a pre-activation
    /// is a coin flip, and a branch on it mispredicts about every other channel.
    @inline(__always)
    public static func prelu(_ z: Float, slope: Float) -> Float {
        max(z, 0) + slope * min(z, 0)
    }

    /// The channel work of one gated block for its active channels (training/FORMAT.md, "The
    /// network"): `u = PReLU₁(pw1·x + b₁)` written to the current frame of the history (tap K−1),
    /// `v = PReLU₂(depthwise(u history) + b_dw)`, and `delta += pw2ᵀ·v`. Composed from the
    /// kernels above with compact scratch `u`, `v` of `count` values; the fast kernel fuses it.
    /// `W` is the model's element type; pw2's int8 scales are the caller's, applied to `delta`.
    static func gatedChannels<W: KernelWeight>(_ w: Model.BlockWeights, _: W.Type, residualChannels: Int,
                                               kernelSize: Int,
                                               history: UnsafePointer<UnsafeMutablePointer<Float>>,
                                               indices: UnsafePointer<Int32>, count: Int, _ x: UnsafePointer<Float>,
                                               scratchU u: UnsafeMutablePointer<Float>,
                                               scratchV v: UnsafeMutablePointer<Float>,
                                               into delta: UnsafeMutablePointer<Float>, macs: inout Int) {
        let current = history[kernelSize - 1]
        gatherRows(w.pw1Weight.values(W.self), cols: residualChannels, indices: indices, count: count, x,
                   scales: w.pw1Weight.scales, bias: w.pw1Bias, into: u, macs: &macs)
        for j in 0..<count {
            let ch = Int(indices[j])
            current[ch] = prelu(u[j], slope: w.prelu1Slope[ch])
        }
        depthwise(taps: w.dwWeight.values(W.self), kernelSize: kernelSize, history: history, indices: indices,
                  count: count, bias: w.dwBias, into: v, macs: &macs)
        for j in 0..<count { v[j] = prelu(v[j], slope: w.prelu2Slope[Int(indices[j])]) }
        scatterAccumulate(w.pw2Transposed.values(W.self), cols: residualChannels, indices: indices, count: count,
                          v, into: delta, macs: &macs)
    }
}
