/// The FFTs of one PESQ measurement, one reference-exact radix-2 transform per size (see
/// `PESQRadix2FFT` for why not FFTW). Spectra are interleaved (re, im) for bins 0…n/2.
final class PESQFFT {
    private var transforms: [Int: PESQRadix2FFT] = [:]
    private var windowed: [Float] = []
    private var spectrum: [Float] = []

    private func transform(_ size: Int) -> PESQRadix2FFT {
        if let t = transforms[size] { return t }
        let t = PESQRadix2FFT(size: size)
        transforms[size] = t
        return t
    }

    /// Forward transform of `count` samples from `input`, zero-padded to `size`.
    func forward(_ input: UnsafePointer<Float>, count: Int, size: Int, into spectrum: inout [Float]) {
        transform(size).forward(input, count: count, into: &spectrum)
    }

    /// Forward transform of a whole array (its length is the size).
    func forward(_ input: [Float], into spectrum: inout [Float]) {
        input.withUnsafeBufferPointer { forward($0.baseAddress!, count: input.count, size: input.count, into: &spectrum) }
    }

    /// Inverse transform, normalised by 1/size (the reference's RealIFFT is).
    func inverse(_ spectrum: [Float], size: Int, into output: inout [Float]) {
        transform(size).inverse(spectrum, into: &output)
    }

    /// The first `count` points of the inverse transform, into `output`.
    func inverse(_ spectrum: [Float], size: Int, count: Int, into output: UnsafeMutablePointer<Float>) {
        transform(size).inverse(spectrum, count: count, into: output)
    }

    /// The first `count` points of the inverse transform, in order, to `visit` (index, value).
    func inverse(_ spectrum: [Float], size: Int, count: Int, visit: (Int, Float) -> Void) {
        transform(size).inverse(spectrum, count: count, visit: visit)
    }

    /// Drops the cached transforms. The whole-signal filters use one the size of the padded
    /// signal (hundreds of MB for long files) that nothing after them needs; the small ones are
    /// rebuilt on first use.
    func discardTransforms() { transforms.removeAll() }

    /// Power spectrum |X_k|² for k < size/2 of `input[0..<size]` times `window`; bin 0 is
    /// zeroed because the perceptual model ignores DC.
    func windowedPower(_ input: UnsafePointer<Float>, window: [Float], into power: inout [Float]) {
        let size = window.count
        // Moved out of the class for the loop (class property access is checked at run time).
        var windowed: [Float] = [], spectrum: [Float] = []
        swap(&windowed, &self.windowed)
        swap(&spectrum, &self.spectrum)
        defer {
            swap(&windowed, &self.windowed)
            swap(&spectrum, &self.spectrum)
        }
        if windowed.count != size { windowed = [Float](repeating: 0, count: size) }
        for i in 0..<size { windowed[i] = input[i] * window[i] }
        forward(windowed, into: &spectrum)
        for k in 0..<(size / 2) {
            let re = spectrum[2 * k], im = spectrum[2 * k + 1]
            power[k] = re * re + im * im
        }
        power[0] = 0
    }
}

/// The smallest power of two ≥ `x`.
func nextPowerOfTwo(_ x: Int) -> Int {
    var c = 1
    while c < x { c <<= 1 }
    return c
}

/// A periodic Hann window of `n` points, in single precision as the reference computes it.
func periodicHann(_ n: Int) -> [Float] {
    (0..<n).map { Float(0.5 * (1 - MetricsMath.cos(6.28318530717959 * Double($0) / Double(n)))) }
}
