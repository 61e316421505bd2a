import CKernelSupport

/// Optimised kernels with the same contracts as `ReferenceKernels` (minus counting: callers add
/// each call's MACs, which tests check against the reference count). Rows are processed four at
/// a time so each load of `x` (or of the output) feeds four rows, in 8-wide SIMD registers.
public enum FastKernels {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Four dot products of length `n` against one `x`.
    @inline(__always)
    static func dot4(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                     _ d: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) -> SIMD4<Float> {
        var sa = SIMD8<Float>(), sb = SIMD8<Float>(), sc = SIMD8<Float>(), sd = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let xv = load8(x, i)
            sa += load8(a, i) * xv
            sb += load8(b, i) * xv
            sc += load8(c, i) * xv
            sd += load8(d, i) * xv
            i += 8
        }
        var result = SIMD4<Float>(sa.sum(), sb.sum(), sc.sum(), sd.sum())
        while i < n {
            result += SIMD4(a[i], b[i], c[i], d[i]) * x[i]
            i += 1
        }
        return result
    }

    /// One dot product of length `n`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            s0 += load8(a, i) * load8(x, i)
            s1 += load8(a, i + 8) * load8(x, i + 8)
            i += 16
        }
        if i + 8 <= n {
            s0 += load8(a, i) * load8(x, i)
            i += 8
        }
        var sum = (s0 + s1).sum()
        while i < n {
            sum += a[i] * x[i]
            i += 1
        }
        return sum
    }

    /// `y = W·x + b`, W `[rows, cols]`.
    public static func matVec(_ w: UnsafePointer<Float>, rows: Int, cols: Int,
                              _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                              into y: UnsafeMutablePointer<Float>) {
        var r = 0
        while r + 4 <= rows {
            let base = w + r * cols
            let s = dot4(base, base + cols, base + 2 * cols, base + 3 * cols, x, cols)
            y[r] = s[0] + bias[r]
            y[r + 1] = s[1] + bias[r + 1]
            y[r + 2] = s[2] + bias[r + 2]
            y[r + 3] = s[3] + bias[r + 3]
            r += 4
        }
        while r < rows {
            y[r] = dot(w + r * cols, x, cols) + bias[r]
            r += 1
        }
    }

    /// `y[j] = W[indices[j], :]·x + b[indices[j]]` for the active rows only.
    public static func gatherRows(_ w: UnsafePointer<Float>, cols: Int,
                                  indices: UnsafePointer<Int32>, count: Int,
                                  _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                  into y: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 4 <= count {
            let i0 = Int(indices[j]), i1 = Int(indices[j + 1])
            let i2 = Int(indices[j + 2]), i3 = Int(indices[j + 3])
            let s = dot4(w + i0 * cols, w + i1 * cols, w + i2 * cols, w + i3 * cols, x, cols)
            y[j] = s[0] + bias[i0]
            y[j + 1] = s[1] + bias[i1]
            y[j + 2] = s[2] + bias[i2]
            y[j + 3] = s[3] + bias[i3]
            j += 4
        }
        while j < count {
            let row = Int(indices[j])
            y[j] = dot(w + row * cols, x, cols) + bias[row]
            j += 1
        }
    }

    /// `out += Σ_j v[j] · Wᵀ[indices[j], :]`.
    public static func scatterAccumulate(_ wT: UnsafePointer<Float>, cols: Int,
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
    @inline(__always)
    static func accumulate4(_ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>,
                            _ r2: UnsafePointer<Float>, _ r3: UnsafePointer<Float>,
                            _ v0: Float, _ v1: Float, _ v2: Float, _ v3: Float,
                            into out: UnsafeMutablePointer<Float>, _ cols: Int) {
        let vectorCols = cols & ~7
        var c = 0
        while c < vectorCols {
            var acc = load8(out, c)
            acc += load8(r0, c) * v0
            acc += load8(r1, c) * v1
            acc += load8(r2, c) * v2
            acc += load8(r3, c) * v3
            store8(acc, out, c)
            c += 8
        }
        while c < cols {
            out[c] += r0[c] * v0 + r1[c] * v1 + r2[c] * v2 + r3[c] * v3
            c += 1
        }
    }

    /// `out += vj·row` over `cols` values.
    @inline(__always)
    static func accumulate1(_ row: UnsafePointer<Float>, _ vj: Float,
                            into out: UnsafeMutablePointer<Float>, _ cols: Int) {
        let vectorCols = cols & ~7
        var c = 0
        while c < vectorCols {
            store8(load8(out, c) + load8(row, c) * vj, out, c)
            c += 8
        }
        while c < cols {
            out[c] += row[c] * vj
            c += 1
        }
    }

    /// Causal dilated depthwise conv for the active channels (see `ReferenceKernels.depthwise`).
    public static func depthwise(taps: UnsafePointer<Float>, kernelSize: Int,
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
    static func depthwiseSum(_ taps: UnsafePointer<Float>, _ ch: Int, _ K: Int,
                             _ history: UnsafePointer<UnsafeMutablePointer<Float>>) -> Float {
        let t = taps + ch * K
        if K == 3 { return t[0] * history[0][ch] + t[1] * history[1][ch] + t[2] * history[2][ch] }
        var sum: Float = 0
        for i in 0..<K { sum += t[i] * history[i][ch] }
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
    @inline(__always)
    static func gatedChannels(_ w: Model.BlockWeights, residualChannels R: Int, kernelSize K: Int,
                              history: UnsafePointer<UnsafeMutablePointer<Float>>,
                              indices: UnsafePointer<Int32>, count: Int, _ x: UnsafePointer<Float>,
                              into delta: UnsafeMutablePointer<Float>) {
        let current = history[K - 1]
        let (pw1, pw2) = (w.pw1Weight, w.pw2Transposed)
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
            current[c0] = ReferenceKernels.prelu(u[0] + w.pw1Bias[c0], slope: w.prelu1Slope[c0])
            current[c1] = ReferenceKernels.prelu(u[1] + w.pw1Bias[c1], slope: w.prelu1Slope[c1])
            current[c2] = ReferenceKernels.prelu(u[2] + w.pw1Bias[c2], slope: w.prelu1Slope[c2])
            current[c3] = ReferenceKernels.prelu(u[3] + w.pw1Bias[c3], slope: w.prelu1Slope[c3])
            j += 4
        }
        while j < count {
            let ch = Int(indices[j])
            current[ch] = ReferenceKernels.prelu(dot(pw1 + ch * R, x, R) + w.pw1Bias[ch],
                                                 slope: w.prelu1Slope[ch])
            j += 1
        }

        for j in 0..<min(prefetchDistance, prefetchEnd) { prefetchRow(pw2, Int(indices[j]), R) }
        j = 0
        while j + 4 <= count {
            prefetchRows(pw2, indices, from: j + prefetchDistance, count: prefetchEnd, R)
            let c0 = Int(indices[j]), c1 = Int(indices[j + 1])
            let c2 = Int(indices[j + 2]), c3 = Int(indices[j + 3])
            let v0 = depthwisePReLU(w, c0, K, history), v1 = depthwisePReLU(w, c1, K, history)
            let v2 = depthwisePReLU(w, c2, K, history), v3 = depthwisePReLU(w, c3, K, history)
            accumulate4(pw2 + c0 * R, pw2 + c1 * R, pw2 + c2 * R, pw2 + c3 * R,
                        v0, v1, v2, v3, into: delta, R)
            j += 4
        }
        while j < count {
            let ch = Int(indices[j])
            accumulate1(pw2 + ch * R, depthwisePReLU(w, ch, K, history), into: delta, R)
            j += 1
        }
    }

    /// PReLU₂(depthwise) of channel `ch`: its K taps over the history, plus bias.
    @inline(__always)
    static func depthwisePReLU(_ w: Model.BlockWeights, _ ch: Int, _ K: Int,
                               _ history: UnsafePointer<UnsafeMutablePointer<Float>>) -> Float {
        ReferenceKernels.prelu(depthwiseSum(w.dwWeight, ch, K, history) + w.dwBias[ch],
                               slope: w.prelu2Slope[ch])
    }

    /// Requests the rows of channels `indices[from..<from + 4]` (those below `count`).
    @inline(__always)
    static func prefetchRows(_ w: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>,
                             from: Int, count: Int, _ cols: Int) {
        var k = from
        while k < min(from + 4, count) {
            prefetchRow(w, Int(indices[k]), cols)
            k += 1
        }
    }

    /// Requests row `row` (`cols` floats) of `w` into the cache: its first and last lines, which
    /// starts the hardware's next-line prefetch on the row. (Requesting every line costs more
    /// instructions than it saves: measured slower.)
    @inline(__always)
    static func prefetchRow(_ w: UnsafePointer<Float>, _ row: Int, _ cols: Int) {
        let start = w + row * cols
        hush_prefetch(start)
        hush_prefetch(start + cols - 1)
    }
}
