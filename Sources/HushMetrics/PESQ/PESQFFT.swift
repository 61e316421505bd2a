import Hush

/// Real FFTs of the power-of-two sizes PESQ uses, planned once per size for one measurement.
/// Spectra are interleaved (re, im) for bins 0…n/2, as both FFTW and the reference lay them out.
final class PESQFFT {
    private var plans: [Int: RealFFT] = [:]

    func plan(_ size: Int) throws(MetricsError) -> RealFFT {
        if let plan = plans[size] { return plan }
        guard let plan = try? RealFFT(size: size) else { throw .fftUnavailable }
        plans[size] = plan
        return plan
    }

    /// Forward transform of `count` samples from `input`, zero-padded to `size`.
    func forward(_ input: UnsafePointer<Float>, count: Int, size: Int,
                 into spectrum: inout [Float]) throws(MetricsError) {
        let fft = try plan(size)
        for i in 0..<count { fft.time[i] = input[i] }
        for i in count..<size { fft.time[i] = 0 }
        fft.forward()
        if spectrum.count < size + 2 { spectrum = [Float](repeating: 0, count: size + 2) }
        for i in 0..<(size + 2) { spectrum[i] = fft.spectrum[i] }
    }

    /// Inverse transform, normalised by 1/size (the reference's RealIFFT is).
    func inverse(_ spectrum: [Float], size: Int, into output: inout [Float]) throws(MetricsError) {
        let fft = try plan(size)
        for i in 0..<(size + 2) { fft.spectrum[i] = spectrum[i] }
        fft.inverse()
        if output.count < size { output = [Float](repeating: 0, count: size) }
        let scale = 1 / Float(size)
        for i in 0..<size { output[i] = fft.time[i] * scale }
    }

    /// Power spectrum |X_k|² for k < size/2 of `input[0..<size]` times `window`; bin 0 is
    /// zeroed because the perceptual model ignores DC.
    func windowedPower(_ input: UnsafePointer<Float>, window: [Float],
                       into power: inout [Float]) throws(MetricsError) {
        let size = window.count
        let fft = try plan(size)
        for i in 0..<size { fft.time[i] = input[i] * window[i] }
        fft.forward()
        for k in 0..<(size / 2) {
            let re = fft.spectrum[2 * k], im = fft.spectrum[2 * k + 1]
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
