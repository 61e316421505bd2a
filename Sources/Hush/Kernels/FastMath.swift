/// Vectorised log and exp for the per-frame feature and mask loops, 8 lanes at a time, after the
/// Cephes single-precision algorithms (range reduction to a small interval, then a polynomial).
/// Relative error is a few ulp over the ranges used here, far below the network's 1e-4 parity
/// tolerance; `ReferenceKernels` keeps the libm versions they are tested against.
enum FastMath {
    typealias V = SIMD8<Float>

    /// Natural log of positive, finite, normal `x` (the features' |X|² + floor always are).
    @inline(__always)
    static func log(_ x: V) -> V {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        // x = m · 2^e with m in [0.5, 1): take the exponent field, then force it to 2^-1.
        // Exponent to float by the same magic-number trick (it is a small integer).
        var e = unsafeBitCast(((bits &>> 23) &- 126) &+ 0x4B40_0000, to: V.self) - 12_582_912
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: V.self)
        // Move m into [sqrt(0.5), sqrt(2)) so the polynomial argument stays small.
        let small = m .< 0.707106781186547524
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small)
        let z = m - 1
        let z2 = z * z
        var p: V = V(repeating: 7.0376836292e-2)
        p = p * z + -1.1514610310e-1
        p = p * z + 1.1676998740e-1
        p = p * z + -1.2420140846e-1
        p = p * z + 1.4249322787e-1
        p = p * z + -1.6668057665e-1
        p = p * z + 2.0000714765e-1
        p = p * z + -2.4999993993e-1
        p = p * z + 3.3333331174e-1
        var y = p * z * z2
        y += e * -2.12194440e-4
        y += -0.5 * z2
        return z + y + e * 0.693359375
    }

    /// e^x, for x clamped to ±88 (beyond that the sigmoid is 0 or 1 to float precision anyway).
    @inline(__always)
    static func exp(_ x: V) -> V {
        let clamped = x.clamped(lowerBound: V(repeating: -88), upperBound: V(repeating: 88))
        // x = n·ln2 + r, |r| ≤ ln2/2; ln2 split in two parts keeps r exact.
        // Adding 1.5·2^23 rounds to the nearest integer and leaves it in the low mantissa bits,
        // which avoids the generic (per-lane) float→int conversion.
        let shifted = clamped * 1.44269504088896341 + 12_582_912
        let n = shifted - 12_582_912
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let r = clamped - n * 0.693359375 + n * 2.12194440e-4
        let r2 = r * r
        var p: V = V(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r2 + r + 1
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: V.self)
        return y * scale
    }
}

extension FastKernels {
    /// `features[f] = ln(re² + im² + floor)` over `bins` interleaved complex values.
    public static func logPower(_ spectrum: UnsafePointer<Float>, bins: Int, floor: Float,
                                into features: UnsafeMutablePointer<Float>) {
        var f = 0
        while f + 8 <= bins {
            let a = Float.load8(spectrum, 2 * f), b = Float.load8(spectrum, 2 * f + 8)
            let re = SIMD8(a[0], a[2], a[4], a[6], b[0], b[2], b[4], b[6])
            let im = SIMD8(a[1], a[3], a[5], a[7], b[1], b[3], b[5], b[7])
            store8(FastMath.log(re * re + im * im + floor), features, f)
            f += 8
        }
        while f < bins {
            let re = spectrum[2 * f], im = spectrum[2 * f + 1]
            let one = FastMath.log(SIMD8(repeating: re * re + im * im + floor))
            features[f] = one[0]
            f += 1
        }
    }

    /// `mask[f] = sigmoid(mask[f])`, then the spectrum's bin f is scaled by the gain
    /// `floor + (1 − floor)·mask[f]` (FORMAT.md step 5; `floor` 0: the mask itself).
    public static func sigmoidMask(_ mask: UnsafeMutablePointer<Float>, bins: Int, gainFloor floor: Float,
                                   applyingTo spectrum: UnsafeMutablePointer<Float>) {
        var f = 0
        while f + 8 <= bins {
            let m = 1 / (1 + FastMath.exp(-Float.load8(mask, f)))
            store8(m, mask, f)
            f += 8
        }
        while f < bins {
            let m = 1 / (1 + FastMath.exp(SIMD8(repeating: -mask[f])))
            mask[f] = m[0]
            f += 1
        }
        let span = 1 - floor
        for f in 0..<bins {
            let gain = floor + span * mask[f]
            spectrum[2 * f] *= gain
            spectrum[2 * f + 1] *= gain
        }
    }
}

extension ReferenceKernels {
    /// `features[f] = ln(re² + im² + floor)`, with libm.
    public static func logPower(_ spectrum: UnsafePointer<Float>, bins: Int, floor: Float,
                                into features: UnsafeMutablePointer<Float>) {
        for f in 0..<bins {
            let re = spectrum[2 * f], im = spectrum[2 * f + 1]
            features[f] = LibM.log(re * re + im * im + floor)
        }
    }

    /// `mask[f] = 1 / (1 + e^−mask[f])` with libm, then the spectrum's bin f is scaled by the gain
    /// `floor + (1 − floor)·mask[f]`.
    public static func sigmoidMask(_ mask: UnsafeMutablePointer<Float>, bins: Int, gainFloor floor: Float,
                                   applyingTo spectrum: UnsafeMutablePointer<Float>) {
        for f in 0..<bins {
            let m = 1 / (1 + LibM.exp(-mask[f]))
            mask[f] = m
            let gain = floor + (1 - floor) * m
            spectrum[2 * f] *= gain
            spectrum[2 * f + 1] *= gain
        }
    }
}
