/// A real FFT in plain Swift for targets without FFTW (microcontrollers, issue #18), with the
/// interface of `RealFFTState`: the same buffers and the same unnormalised results, so a state can
/// run either and `PortableRealFFTTests` holds the two together on the host.
///
/// The classic packing: the N real samples are read as N/2 complex ones (even + i·odd), one
/// iterative radix-2 complex FFT of size N/2 runs in place in the spectrum buffer, and a split
/// step turns its output into the N/2 + 1 bins of the real transform (the inverse runs the same
/// steps backwards). Its tables (twiddles in double-precision-rounded floats and the bit-reversal
/// permutation) are carved from the arena like every other buffer, so there is no allocation and
/// no process-wide state; N must be a power of two ≥ 4.
public struct PortableRealFFT {
    /// Transform length.
    public let size: Int
    /// Time-domain buffer, `size` floats.
    public let time: UnsafeMutablePointer<Float>
    /// Spectrum buffer, `size/2 + 1` complex values interleaved (re, im).
    public let spectrum: UnsafeMutablePointer<Float>
    private let cosines: UnsafeMutablePointer<Float>   // cos(2πk/N), k < N/2
    private let sines: UnsafeMutablePointer<Float>     // sin(2πk/N), k < N/2
    private let reversed: UnsafeMutablePointer<Int32>  // bit reversal over N/2

    /// Whether `size` can be transformed here.
    public static func supports(size: Int) -> Bool { size >= 4 && size & (size - 1) == 0 }

    /// Carves the buffers and tables from `arena` and, when it can be written, fills them.
    /// Returns nil when the arena only measures or overflowed.
    /// - Throws: `HushError.fftUnavailable` for a size that is not a power of two ≥ 4.
    public static func carve(size: Int, in arena: inout Arena) throws(HushError) -> PortableRealFFT? {
        guard supports(size: size) else { throw .fftUnavailable(size: size) }
        let half = size / 2
        let time = arena.take(Float.self, count: size, for: .fft)
        let spectrum = arena.take(Float.self, count: 2 * (half + 1), for: .fft)
        let cosines = arena.take(Float.self, count: half, for: .fft)
        let sines = arena.take(Float.self, count: half, for: .fft)
        let reversed = arena.take(Int32.self, count: half, for: .fft)
        guard arena.canWrite else { return nil }
        time.initialize(repeating: 0, count: size)
        spectrum.initialize(repeating: 0, count: 2 * (half + 1))
        for k in 0..<half {
            let angle = 2 * Double.pi * Double(k) / Double(size)
            cosines[k] = Float(LibM.cos(angle))
            sines[k] = Float(LibM.sin(angle))
        }
        var bits = 0
        while 1 << bits < half { bits += 1 }
        for i in 0..<half {
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            reversed[i] = Int32(r)
        }
        return PortableRealFFT(size: size, time: time, spectrum: spectrum, cosines: cosines, sines: sines,
                               reversed: reversed)
    }

    /// `time` → `spectrum` (unnormalised, as FFTW's r2c). `time` is left as it was.
    public func forward() {
        let half = size / 2
        for n in 0..<half {  // z[n] = x[2n] + i·x[2n+1], written in bit-reversed order
            let r = Int(reversed[n])
            spectrum[2 * r] = time[2 * n]
            spectrum[2 * r + 1] = time[2 * n + 1]
        }
        complexTransform(sign: -1)
        // Split: X[k] = E[k] + W^k·O[k], E = (Z[k] + conj Z[M−k]) / 2, O = (Z[k] − conj Z[M−k]) / 2i,
        // W = e^(−2πi/N); k and M − k are updated together, in place.
        let z0re = spectrum[0], z0im = spectrum[1]
        spectrum[0] = z0re + z0im
        spectrum[1] = 0
        spectrum[2 * half] = z0re - z0im
        spectrum[2 * half + 1] = 0
        var k = 1
        while k <= half - k {
            let j = half - k
            let are = spectrum[2 * k], aim = spectrum[2 * k + 1]
            let bre = spectrum[2 * j], bim = spectrum[2 * j + 1]
            let ere = 0.5 * (are + bre), eim = 0.5 * (aim - bim)   // E[k]
            let ore = 0.5 * (aim + bim), oim = -0.5 * (are - bre)  // O[k]
            let c = cosines[k], s = sines[k]                        // W^k = c − i·s
            let tre = c * ore + s * oim, tim = c * oim - s * ore
            spectrum[2 * k] = ere + tre
            spectrum[2 * k + 1] = eim + tim
            // X[M−k] = conj(E[k] − W^k·O[k]) (E and O at M−k are their conjugates, W^(M−k) = −conj W^k):
            spectrum[2 * j] = ere - tre
            spectrum[2 * j + 1] = -(eim - tim)
            k += 1
        }
    }

    /// `spectrum` → `time` (unnormalised: `size` times the true inverse, as FFTW's c2r). The
    /// spectrum is overwritten.
    public func inverse() {
        let half = size / 2
        // Unsplit: Z[k] = E[k] + i·O[k] with E = X[k] + conj X[M−k], O = (X[k] − conj X[M−k])·W^−k
        // (twice the true values: the complex inverse then yields N times the signal).
        let x0 = spectrum[0], xm = spectrum[2 * half]
        spectrum[0] = x0 + xm
        spectrum[1] = x0 - xm
        var k = 1
        while k <= half - k {
            let j = half - k
            let are = spectrum[2 * k], aim = spectrum[2 * k + 1]
            let bre = spectrum[2 * j], bim = spectrum[2 * j + 1]
            let ere = are + bre, eim = aim - bim
            let dre = are - bre, dim = aim + bim
            let c = cosines[k], s = sines[k]                        // W^−k = c + i·s
            let ore = dre * c - dim * s, oim = dre * s + dim * c
            spectrum[2 * k] = ere - oim                              // E + i·O
            spectrum[2 * k + 1] = eim + ore
            // Z[M−k] from E[M−k] = conj E[k] and O[M−k] = conj O[k]:
            spectrum[2 * j] = ere + oim
            spectrum[2 * j + 1] = -eim + ore
            k += 1
        }
        // Bit-reverse in place (swap pairs once), then the inverse complex transform.
        for i in 0..<half {
            let r = Int(reversed[i])
            if r > i {
                swap(2 * i, 2 * r)
                swap(2 * i + 1, 2 * r + 1)
            }
        }
        complexTransform(sign: 1)
        for n in 0..<half {
            time[2 * n] = spectrum[2 * n]
            time[2 * n + 1] = spectrum[2 * n + 1]
        }
    }

    @inline(__always) private func swap(_ a: Int, _ b: Int) {
        let t = spectrum[a]
        spectrum[a] = spectrum[b]
        spectrum[b] = t
    }

    /// In-place iterative radix-2 transform of the N/2 complex values in `spectrum`, whose input
    /// is already in bit-reversed order; `sign` −1 forward, +1 inverse (unnormalised).
    private func complexTransform(sign: Float) {
        let half = size / 2
        var length = 2
        while length <= half {
            let step = size / length  // twiddle e^(∓2πi·j/length) = table entry j·N/length
            var start = 0
            while start < half {
                for j in 0..<(length / 2) {
                    let c = cosines[j * step], s = sign * sines[j * step]
                    let a = start + j, b = a + length / 2
                    let bre = spectrum[2 * b], bim = spectrum[2 * b + 1]
                    let tre = bre * c - bim * s, tim = bre * s + bim * c
                    let are = spectrum[2 * a], aim = spectrum[2 * a + 1]
                    spectrum[2 * a] = are + tre
                    spectrum[2 * a + 1] = aim + tim
                    spectrum[2 * b] = are - tre
                    spectrum[2 * b + 1] = aim - tim
                }
                start += length
            }
            length *= 2
        }
    }
}
