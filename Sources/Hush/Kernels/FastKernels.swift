import CKernelSupport

/// Optimised kernels with the same contracts as `ReferenceKernels` (minus counting: callers add
/// each call's MACs, which tests check against the reference count). Rows are processed four at
/// a time so each load of `x` (or of the output) feeds four rows, in 8-wide SIMD registers.
/// Generic over the weights' element type (`Float`, `Int8`); `@inlinable` where the kernel
/// benchmarks call them from their own module, so that they run specialised there too.
public enum FastKernels {
    /// One unaligned vector store; on 32-bit ARM eight aligned scalar ones (see `Float.load8`).
    @inlinable @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        #if arch(arm)
        let q = p + i
        q[0] = v[0]; q[1] = v[1]; q[2] = v[2]; q[3] = v[3]
        q[4] = v[4]; q[5] = v[5]; q[6] = v[6]; q[7] = v[7]
        #else
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
        #endif
    }

    /// Four dot products of length `n` against one `x`.
    @inlinable @inline(__always)
    static func dot4<W: KernelWeight>(_ a: UnsafePointer<W>, _ b: UnsafePointer<W>, _ c: UnsafePointer<W>,
                                      _ d: UnsafePointer<W>, _ x: UnsafePointer<Float>, _ n: Int) -> SIMD4<Float> {
        var sa = SIMD8<Float>(), sb = SIMD8<Float>(), sc = SIMD8<Float>(), sd = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let xv = Float.load8(x, i)
            sa += W.load8(a, i) * xv
            sb += W.load8(b, i) * xv
            sc += W.load8(c, i) * xv
            sd += W.load8(d, i) * xv
            i += 8
        }
        var result = SIMD4<Float>(sa.sum(), sb.sum(), sc.sum(), sd.sum())
        while i < n {
            result += SIMD4(a[i].kernelValue, b[i].kernelValue, c[i].kernelValue, d[i].kernelValue) * x[i]
            i += 1
        }
        return result
    }

    /// One dot product of length `n`.
    @inlinable @inline(__always)
    static func dot<W: KernelWeight>(_ a: UnsafePointer<W>, _ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            s0 += W.load8(a, i) * Float.load8(x, i)
            s1 += W.load8(a, i + 8) * Float.load8(x, i + 8)
            i += 16
        }
        if i + 8 <= n {
            s0 += W.load8(a, i) * Float.load8(x, i)
            i += 8
        }
        var sum = (s0 + s1).sum()
        while i < n {
            sum += a[i].kernelValue * x[i]
            i += 1
        }
        return sum
    }

    /// `y = W·x + b`, W `[rows, cols]`; with `scales`, each row's dot product is multiplied by
    /// its scale before the bias is added (int8 weights).
    @inlinable
    public static func matVec<W: KernelWeight>(_ w: UnsafePointer<W>, rows: Int, cols: Int,
                                               _ x: UnsafePointer<Float>, scales: UnsafePointer<Float>? = nil,
                                               bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        var r = 0
        while r + 4 <= rows {
            let base = w + r * cols
            let s = dot4(base, base + cols, base + 2 * cols, base + 3 * cols, x, cols)
            y[r] = ReferenceKernels.scaled(s[0], scales, r) + bias[r]
            y[r + 1] = ReferenceKernels.scaled(s[1], scales, r + 1) + bias[r + 1]
            y[r + 2] = ReferenceKernels.scaled(s[2], scales, r + 2) + bias[r + 2]
            y[r + 3] = ReferenceKernels.scaled(s[3], scales, r + 3) + bias[r + 3]
            r += 4
        }
        while r < rows {
            y[r] = ReferenceKernels.scaled(dot(w + r * cols, x, cols), scales, r) + bias[r]
            r += 1
        }
    }

    /// `y[j] = W[indices[j], :]·x + b[indices[j]]` for the active rows only (scaled as `matVec`).
    @inlinable
    public static func gatherRows<W: KernelWeight>(_ w: UnsafePointer<W>, cols: Int,
                                                   indices: UnsafePointer<Int32>, count: Int,
                                                   _ x: UnsafePointer<Float>, scales: UnsafePointer<Float>? = nil,
                                                   bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 4 <= count {
            let i0 = Int(indices[j]), i1 = Int(indices[j + 1])
            let i2 = Int(indices[j + 2]), i3 = Int(indices[j + 3])
            let s = dot4(w + i0 * cols, w + i1 * cols, w + i2 * cols, w + i3 * cols, x, cols)
            y[j] = ReferenceKernels.scaled(s[0], scales, i0) + bias[i0]
            y[j + 1] = ReferenceKernels.scaled(s[1], scales, i1) + bias[i1]
            y[j + 2] = ReferenceKernels.scaled(s[2], scales, i2) + bias[i2]
            y[j + 3] = ReferenceKernels.scaled(s[3], scales, i3) + bias[i3]
            j += 4
        }
        while j < count {
            let row = Int(indices[j])
            y[j] = ReferenceKernels.scaled(dot(w + row * cols, x, cols), scales, row) + bias[row]
            j += 1
        }
    }

    /// `out += Σ_j v[j] · Wᵀ[indices[j], :]` (unscaled: a caller with int8 scales per output
    /// column applies them to `out`).
    @inlinable
    public static func scatterAccumulate<W: KernelWeight>(_ wT: UnsafePointer<W>, cols: Int,
                                                          indices: UnsafePointer<Int32>, count: Int,
                                                          _ v: UnsafePointer<Float>,
                                                          into out: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 4 <= count {
            accumulate4(wT + Int(indices[j]) * cols, wT + Int(indices[j + 1]) * cols,
                        wT + Int(indices[j + 2]) * cols, wT + Int(indices[j + 3]) * cols,
                        v[j], v[j + 1], v[j + 2], v[j + 3], into: out, cols)
            j += 4
        }
        while j < count {
            accumulate1(wT + Int(indices[j]) * cols, v[j], into: out, cols)
            j += 1
        }
    }

    /// `out += v[0]·r0 + v[1]·r1 + v[2]·r2 + v[3]·r3` over `cols` values: one load and store of
    /// `out` feeds four rows.
    @inlinable @inline(__always)
    static func accumulate4<W: KernelWeight>(_ r0: UnsafePointer<W>, _ r1: UnsafePointer<W>,
                                             _ r2: UnsafePointer<W>, _ r3: UnsafePointer<W>,
                                             _ v0: Float, _ v1: Float, _ v2: Float, _ v3: Float,
                                             into out: UnsafeMutablePointer<Float>, _ cols: Int) {
        let vectorCols = cols & ~7
        var c = 0
        while c < vectorCols {
            var acc = Float.load8(out, c)
            acc += W.load8(r0, c) * v0
            acc += W.load8(r1, c) * v1
            acc += W.load8(r2, c) * v2
            acc += W.load8(r3, c) * v3
            store8(acc, out, c)
            c += 8
        }
        while c < cols {
            out[c] += r0[c].kernelValue * v0 + r1[c].kernelValue * v1 + r2[c].kernelValue * v2
                + r3[c].kernelValue * v3
            c += 1
        }
    }

    /// `out += vj·row` over `cols` values.
    @inlinable @inline(__always)
    static func accumulate1<W: KernelWeight>(_ row: UnsafePointer<W>, _ vj: Float,
                                             into out: UnsafeMutablePointer<Float>, _ cols: Int) {
        let vectorCols = cols & ~7
        var c = 0
        while c < vectorCols {
            store8(Float.load8(out, c) + W.load8(row, c) * vj, out, c)
            c += 8
        }
        while c < cols {
            out[c] += row[c].kernelValue * vj
            c += 1
        }
    }

    /// Causal dilated depthwise conv for the active channels (see `ReferenceKernels.depthwise`).
    public static func depthwise<W: KernelWeight>(taps: UnsafePointer<W>, kernelSize: Int,
                                 history: UnsafePointer<UnsafeMutablePointer<Float>>,
                                 indices: UnsafePointer<Int32>, count: Int,
                                 bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        for j in 0..<count {
            let ch = Int(indices[j])
            y[j] = depthwiseSum(taps, ch, kernelSize, history) + bias[ch]
        }
    }

    /// Σ_t taps[ch, t] · history[t][ch], unrolled for the common K = 3.
    @inline(__always)
    static func depthwiseSum<W: KernelWeight>(_ taps: UnsafePointer<W>, _ ch: Int, _ K: Int,
                                              _ history: UnsafePointer<UnsafeMutablePointer<Float>>) -> Float {
        let t = taps + ch * K
        if K == 3 {
            return t[0].kernelValue * history[0][ch] + t[1].kernelValue * history[1][ch]
                + t[2].kernelValue * history[2][ch]
        }
        var sum: Float = 0
        for i in 0..<K { sum += t[i].kernelValue * history[i][ch] }
        return sum
    }

    /// How many channels ahead of use `gatedChannels` asks for their weight rows.
    static let prefetchDistance = 8

    /// `ReferenceKernels.gatedChannels` without compact intermediates, in two passes over the
    /// active channels, four at a time: pw1 rows → PReLU₁ → the history; then depthwise taps →
    /// PReLU₂ → pw2 rows accumulated. (One fused pass is slower: each group then becomes one long
    /// dependency chain that out-of-order execution cannot overlap with the next.) Rows of
    /// scattered channels start where the hardware prefetcher cannot guess (measured: 64
    /// scattered channels cost 20 % more than 64 contiguous ones), so the rows of the channels
    /// `prefetchDistance` ahead are requested while the current ones are computed.
    /// With int8 weights (`W` = `Int8`), pw1's scale multiplies each dot product before its bias;
    /// pw2's scales (per output channel) are the caller's, applied to `delta`.
    @inline(__always)
    static func gatedChannels<W: KernelWeight>(_ w: Model.BlockWeights, _: W.Type, residualChannels R: Int,
                                               kernelSize K: Int,
                                               history: UnsafePointer<UnsafeMutablePointer<Float>>,
                                               indices: UnsafePointer<Int32>, count: Int, _ x: UnsafePointer<Float>,
                                               into delta: UnsafeMutablePointer<Float>) {
        let current = history[K - 1]
        let pw1 = UnsafePointer(w.pw1Weight.values(W.self))
        let pw2 = UnsafePointer(w.pw2Transposed.values(W.self))
        let taps = UnsafePointer(w.dwWeight.values(W.self))
        let pw1Scales = UnsafePointer(w.pw1Weight.scales)
        // A contiguous run of channels (all of them, in the dense network) is what the hardware
        // prefetcher handles by itself; software prefetch would only add instructions.
        let gathered = count > 0 && Int(indices[count - 1] - indices[0]) != count - 1
        let prefetchEnd = gathered ? count : 0
        for j in 0..<min(prefetchDistance, prefetchEnd) { prefetchRow(pw1, Int(indices[j]), R) }
        var j = 0
        while j + 4 <= count {
            prefetchRows(pw1, indices, from: j + prefetchDistance, count: prefetchEnd, R)
            let c0 = Int(indices[j]), c1 = Int(indices[j + 1])
            let c2 = Int(indices[j + 2]), c3 = Int(indices[j + 3])
            // Lanes are finished one by one in scalar code: building SIMD4 values out of
            // gathered scalars costs a shuffle per lane, more than the arithmetic it saves.
            let u = dot4(pw1 + c0 * R, pw1 + c1 * R, pw1 + c2 * R, pw1 + c3 * R, x, R)
            current[c0] = pw1PReLU(w, u[0], pw1Scales, c0)
            current[c1] = pw1PReLU(w, u[1], pw1Scales, c1)
            current[c2] = pw1PReLU(w, u[2], pw1Scales, c2)
            current[c3] = pw1PReLU(w, u[3], pw1Scales, c3)
            j += 4
        }
        while j < count {
            let ch = Int(indices[j])
            current[ch] = pw1PReLU(w, dot(pw1 + ch * R, x, R), pw1Scales, ch)
            j += 1
        }

        for j in 0..<min(prefetchDistance, prefetchEnd) { prefetchRow(pw2, Int(indices[j]), R) }
        j = 0
        while j + 4 <= count {
            prefetchRows(pw2, indices, from: j + prefetchDistance, count: prefetchEnd, R)
            let c0 = Int(indices[j]), c1 = Int(indices[j + 1])
            let c2 = Int(indices[j + 2]), c3 = Int(indices[j + 3])
            let v0 = depthwisePReLU(w, taps, c0, K, history), v1 = depthwisePReLU(w, taps, c1, K, history)
            let v2 = depthwisePReLU(w, taps, c2, K, history), v3 = depthwisePReLU(w, taps, c3, K, history)
            accumulate4(pw2 + c0 * R, pw2 + c1 * R, pw2 + c2 * R, pw2 + c3 * R,
                        v0, v1, v2, v3, into: delta, R)
            j += 4
        }
        while j < count {
            let ch = Int(indices[j])
            accumulate1(pw2 + ch * R, depthwisePReLU(w, taps, ch, K, history), into: delta, R)
            j += 1
        }
    }

    /// PReLU₁ of channel `ch`'s pw1 dot product `u` (scaled for int8), plus bias.
    @inline(__always)
    static func pw1PReLU(_ w: Model.BlockWeights, _ u: Float, _ scales: UnsafePointer<Float>?, _ ch: Int) -> Float {
        ReferenceKernels.prelu(ReferenceKernels.scaled(u, scales, ch) + w.pw1Bias[ch], slope: w.prelu1Slope[ch])
    }

    /// PReLU₂(depthwise) of channel `ch`: its K taps over the history, plus bias.
    @inline(__always)
    static func depthwisePReLU<W: KernelWeight>(_ w: Model.BlockWeights, _ taps: UnsafePointer<W>, _ ch: Int,
                                                _ K: Int, _ history: UnsafePointer<UnsafeMutablePointer<Float>>) -> Float {
        ReferenceKernels.prelu(depthwiseSum(taps, ch, K, history) + w.dwBias[ch], slope: w.prelu2Slope[ch])
    }

    /// Requests the rows of channels `indices[from..<from + 4]` (those below `count`).
    @inline(__always)
    static func prefetchRows<W>(_ w: UnsafePointer<W>, _ indices: UnsafePointer<Int32>,
                             from: Int, count: Int, _ cols: Int) {
        var k = from
        while k < min(from + 4, count) {
            prefetchRow(w, Int(indices[k]), cols)
            k += 1
        }
    }

    /// Requests row `row` (`cols` values) of `w` into the cache: its first and last lines, which
    /// starts the hardware's next-line prefetch on the row. (Requesting every line costs more
    /// instructions than it saves: measured slower.)
    @inline(__always)
    static func prefetchRow<W>(_ w: UnsafePointer<W>, _ row: Int, _ cols: Int) {
        let start = w + row * cols
        hush_prefetch(start)
        hush_prefetch(start + cols - 1)
    }
}
