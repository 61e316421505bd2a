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
        let vectorCols = cols & ~7
        while j + 4 <= count {
            let r0 = wT + Int(indices[j]) * cols, r1 = wT + Int(indices[j + 1]) * cols
            let r2 = wT + Int(indices[j + 2]) * cols, r3 = wT + Int(indices[j + 3]) * cols
            let v0 = v[j], v1 = v[j + 1], v2 = v[j + 2], v3 = v[j + 3]
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
            j += 4
        }
        while j < count {
            let row = wT + Int(indices[j]) * cols
            let vj = v[j]
            var c = 0
            while c < vectorCols {
                store8(load8(out, c) + load8(row, c) * vj, out, c)
                c += 8
            }
            while c < cols {
                out[c] += row[c] * vj
                c += 1
            }
            j += 1
        }
    }

    /// Causal dilated depthwise conv for the active channels (see `ReferenceKernels.depthwise`).
    public static func depthwise(taps: UnsafePointer<Float>, kernelSize: Int,
                                 history: UnsafePointer<UnsafeMutablePointer<Float>>,
                                 indices: UnsafePointer<Int32>, count: Int,
                                 bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        if kernelSize == 3 {
            let h0 = history[0], h1 = history[1], h2 = history[2]
            for j in 0..<count {
                let ch = Int(indices[j])
                let t = taps + 3 * ch
                y[j] = t[0] * h0[ch] + t[1] * h1[ch] + t[2] * h2[ch] + bias[ch]
            }
            return
        }
        for j in 0..<count {
            let ch = Int(indices[j])
            var sum: Float = 0
            for t in 0..<kernelSize { sum += taps[ch * kernelSize + t] * history[t][ch] }
            y[j] = sum + bias[ch]
        }
    }
}
