/// A single-precision, in-place radix-2 complex FFT that rounds exactly as the P.862 reference
/// implementation's own FFT does (same twiddle table, butterfly order and final bit-reversal).
///
/// Why not FFTW: PESQ's time alignment takes arg-max decisions over cross-correlation
/// histograms. On degenerate input (a dropout of digital silence, say) those histograms are
/// nearly flat, and last-bit differences between FFT implementations can move the chosen delay,
/// which moves the score by a few hundredths. Reproducing the reference's rounding makes such
/// cases agree too.
final class PESQRadix2FFT {
    let size: Int
    /// cos/sin of 2πc/N for c < N/2, in single precision as the reference tabulates them.
    private let twiddles: UnsafeMutablePointer<Float>
    /// Bit-reversed twiddle index per butterfly group. 32-bit: at the sizes PESQ's whole-signal
    /// filters reach (2^24 points for 10 min at 16 kHz) every byte per point is 16 MB.
    private let butterflies: UnsafeMutablePointer<Int32>
    private let work: UnsafeMutablePointer<Float>

    init(size: Int) {
        self.size = size
        let twoPi: Float = 6.283185307179586
        twiddles = .allocate(capacity: max(size, 2))
        twiddles.initialize(repeating: 0, count: max(size, 2))
        for c in 0..<(size / 2) {
            let theta = (twoPi * Float(c)) / Float(size)
            twiddles[2 * c] = Float(MetricsMath.cos(Double(theta)))
            twiddles[2 * c + 1] = Float(MetricsMath.sin(Double(theta)))
        }
        let groups = max(size / 2, 1)
        butterflies = .allocate(capacity: groups)
        butterflies.initialize(repeating: 0, count: groups)
        var l = 1, k = size / 4
        while k >= 1 {
            for c in 0..<l { butterflies[c + l] = butterflies[c] + Int32(k) }
            l <<= 1
            k >>= 1
        }
        work = .allocate(capacity: 2 * size + 2)
        work.initialize(repeating: 0, count: 2 * size + 2)
    }

    deinit {
        twiddles.deallocate()
        butterflies.deallocate()
        work.deallocate()
    }

    /// Output point c of the transform sits at this point before the reference's final
    /// bit-reversal swaps (an involution); reading through it replaces the swaps. Derived from
    /// `butterflies` rather than tabulated: a table would be 8 bytes per point.
    @inline(__always)
    private func permuted(_ c: Int) -> Int {
        guard size > 1 else { return 0 }
        let half = size / 2
        return c < half ? Int(butterflies[c]) << 1 : (Int(butterflies[c - half]) << 1) + 1
    }

    /// Complex transform of `work` (interleaved, `size` points) in place, in bit-reversed
    /// order; `inverse` uses the conjugate twiddles (the caller divides by `size`).
    private func transform(inverse: Bool) {
        let n = size
        guard n > 1 else { return }
        // Each group of a stage depends only on its own data, so once groups fit in cache,
        // every remaining stage of one block is done before the next block: the same
        // operations on the same values (bit-identical), far less memory traffic.
        let blockComplex = 2048
        var step = n >> 1
        var cycle = 1
        while step >= 1 && 2 * step > blockComplex {
            stage(step: step, groups: 0..<cycle, inverse: inverse)
            cycle <<= 1
            step >>= 1
        }
        if step >= 1 {
            for block in 0..<cycle {
                var s = step, perBlock = 1
                while s >= 1 {
                    stage(step: s, groups: (block * perBlock)..<((block + 1) * perBlock), inverse: inverse)
                    s >>= 1
                    perBlock <<= 1
                }
            }
        }
    }

    /// The butterflies of `groups` at the stage whose half-group length is `step` points.
    @inline(__always)
    private func stage(step: Int, groups: Range<Int>, inverse: Bool) {
        let x = work
        for c in groups {
            var k1 = c * 4 * step, k2 = k1 + 2 * step
            let nc = Int(butterflies[c]) << 1
            // With im negated, (r1 + re·r2) + im·i2 is the inverse butterfly's
            // (r1 + re·r2) − im·i2 exactly (negation is exact), and so on for all four.
            let re = twiddles[nc], im = inverse ? -twiddles[nc + 1] : twiddles[nc + 1]
            // Unoptimised builds run generic SIMD code far slower than scalar code, so the
            // vector path is for optimised builds only; both give the same bits.
            #if !DEBUG
            if step >= 4 {
                // Four butterflies at once. Each lane keeps its scalar operation order
                // (out = (a ± p·b) ± q·c), so the result is bit-identical to the loop below.
                let p = SIMD8<Float>(re, -im, re, -im, re, -im, re, -im)
                let q = SIMD8<Float>(im, re, im, re, im, re, im, re)
                let raw = UnsafeMutableRawPointer(x)
                for _ in 0..<(step / 4) {
                    let v1 = raw.loadUnaligned(fromByteOffset: k1 * 4, as: SIMD8<Float>.self)
                    let v2 = raw.loadUnaligned(fromByteOffset: k2 * 4, as: SIMD8<Float>.self)
                    let reals = SIMD8<Float>(v2[0], v2[0], v2[2], v2[2], v2[4], v2[4], v2[6], v2[6])
                    let imags = SIMD8<Float>(v2[1], v2[1], v2[3], v2[3], v2[5], v2[5], v2[7], v2[7])
                    let pa = p * reals, qb = q * imags
                    raw.storeBytes(of: (v1 + pa) + qb, toByteOffset: k1 * 4, as: SIMD8<Float>.self)
                    raw.storeBytes(of: (v1 - pa) - qb, toByteOffset: k2 * 4, as: SIMD8<Float>.self)
                    k1 += 8
                    k2 += 8
                }
                continue
            }
            #endif
            for _ in 0..<step {
                let r1 = x[k1], i1 = x[k1 + 1], r2 = x[k2], i2 = x[k2 + 1]
                x[k1] = r1 + re * r2 + im * i2
                x[k1 + 1] = i1 - im * r2 + re * i2
                x[k2] = r1 - re * r2 - im * i2
                x[k2 + 1] = i1 + im * r2 - re * i2
                k1 += 2
                k2 += 2
            }
        }
    }

    /// Real forward transform of `input[0..<count]` zero-padded to `size`: bins 0…size/2,
    /// interleaved, into `spectrum` (size + 2 floats).
    func forward(_ input: UnsafePointer<Float>, count: Int, into spectrum: inout [Float]) {
        for i in 0..<size {
            work[2 * i] = i < count ? input[i] : 0
            work[2 * i + 1] = 0
        }
        transform(inverse: false)
        if spectrum.count < size + 2 { spectrum = [Float](repeating: 0, count: size + 2) }
        for k in 0...(size / 2) {
            let j = permuted(k)
            spectrum[2 * k] = work[2 * j]
            spectrum[2 * k + 1] = work[2 * j + 1]
        }
    }

    /// Real inverse transform of bins 0…size/2 (Hermitian completion), divided by `size`.
    func inverse(_ spectrum: [Float], into output: inout [Float]) {
        if output.count < size { output = [Float](repeating: 0, count: size) }
        output.withUnsafeMutableBufferPointer { inverse(spectrum, count: size, into: $0.baseAddress!) }
    }

    /// The first `count` points of the inverse transform, written straight to `output` (a
    /// whole-signal filter needs no size-long temporary).
    func inverse(_ spectrum: [Float], count: Int, into output: UnsafeMutablePointer<Float>) {
        inverse(spectrum, count: count) { output[$0] = $1 }
    }

    /// Hands the first `count` points of the inverse transform, in order, to `visit` (index,
    /// value): for a caller that needs a sum over them, not the points.
    @inline(__always)
    func inverse(_ spectrum: [Float], count: Int, visit: (Int, Float) -> Void) {
        for i in 0...(size / 2) {
            work[2 * i] = spectrum[2 * i]
            work[2 * i + 1] = spectrum[2 * i + 1]
        }
        if size / 2 + 1 < size {
            for i in (size / 2 + 1)..<size {
                let j = size - i
                work[2 * i] = spectrum[2 * j]
                work[2 * i + 1] = -spectrum[2 * j + 1]
            }
        }
        transform(inverse: true)
        let scale = Float(size)
        for i in 0..<count { visit(i, work[2 * permuted(i)] / scale) }
    }
}
