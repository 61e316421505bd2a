/// Level alignment and the input filters that run before the perceptual model (P.862 §10.1).
enum PESQInputFilters {
    /// The level every signal is scaled to (power above 300 Hz, in 16-bit units squared).
    static let targetPower = 1e7

    /// Linear interpolation of a (Hz, dB) curve, extrapolated from its end segments.
    static func interpolate(_ frequency: Float, _ curve: [(frequency: Double, gain: Double)]) -> Float {
        let f = Double(frequency)
        var i: Int
        if f <= curve[0].frequency {
            i = 1
        } else if f >= curve[curve.count - 1].frequency {
            i = curve.count - 1
        } else {
            i = 1
            while curve[i].frequency < f { i += 1 }
        }
        let low = curve[i - 1], high = curve[i]
        return Float(((f - low.frequency) * high.gain + (high.frequency - f) * low.gain)
                     / (high.frequency - low.frequency))
    }

    /// Filters the signal part of `data` (from the first search buffer to the end of the
    /// padding) by a zero-phase FFT-domain gain curve, normalised to 0 dB at 1 kHz.
    static func applyCurve(_ data: inout [Float], samples: Int,
                           _ curve: [(frequency: Double, gain: Double)],
                           rate: PESQRate, fft: PESQFFT) {
        let filtered = curveSpectrum(data, samples: samples, curve, rate: rate, fft: fft)
        data.withUnsafeMutableBufferPointer {
            fft.inverse(filtered.spectrum, size: filtered.size, count: filtered.count,
                        into: $0.baseAddress! + rate.searchBuffer)
        }
    }

    /// The spectrum of the signal part of `data` times the gain curve (`applyCurve` before its
    /// inverse transform), its transform size, and the signal part's length.
    private static func curveSpectrum(_ data: [Float], samples: Int,
                                      _ curve: [(frequency: Double, gain: Double)], rate: PESQRate,
                                      fft: PESQFFT) -> (spectrum: [Float], size: Int, count: Int) {
        let sb = rate.searchBuffer
        let n = samples - 2 * sb + rate.dataPadding
        let size = nextPowerOfTwo(n)
        var spectrum: [Float] = []
        data.withUnsafeBufferPointer { fft.forward($0.baseAddress! + sb, count: n, size: size, into: &spectrum) }
        let overall = interpolate(1000, curve)
        let resolution = Float(rate.fs) / Float(size)
        for i in 0...(size / 2) {
            let decibels = interpolate(Float(i) * resolution, curve) - overall
            let factor = Float(MetricsMath.pow(10, Double(decibels / 20)))
            spectrum[2 * i] *= factor
            spectrum[2 * i + 1] *= factor
        }
        return (spectrum, size, n)
    }

    /// Cascaded direct-form-II biquads over `data[range]`, in single precision.
    static func biquads(_ data: inout [Float], _ range: Range<Int>, _ sections: BiquadSections) {
        data.withUnsafeMutableBufferPointer { x in
            for s in sections {
                var z1: Float = 0, z2: Float = 0
                for i in range {
                    let z0 = x[i] - s.a1 * z1 - s.a2 * z2
                    x[i] = s.b0 * z0 + s.b1 * z1 + s.b2 * z2
                    z2 = z1
                    z1 = z0
                }
            }
        }
    }

    /// Scales the signal so that its power in 350 Hz–3.25 kHz, averaged over the longer
    /// signal's duration, is `targetPower`.
    static func alignLevel(_ signal: inout PESQSignal, maxSamples: Int, rate: PESQRate,
                           fft: PESQFFT) {
        let sb = rate.searchBuffer, pad = rate.dataPadding
        // The filtered signal matters only through its power, so its points are summed as the
        // inverse transform yields them (`powerOf` over sb..<samples − sb + pad: the same points
        // in the same order, squared in single and summed in double) instead of being stored.
        let filtered = curveSpectrum(signal.data, samples: signal.samples, PESQFilters.levelAlignment,
                                     rate: rate, fft: fft)
        var sum = 0.0
        fft.inverse(filtered.spectrum, size: filtered.size, count: filtered.count) { _, h in sum += Double(h * h) }
        let power = Float(sum / Double(maxSamples - 2 * sb + pad))
        let scale = Float((targetPower / Double(power)).squareRoot())
        for i in 0..<signal.samples { signal.data[i] *= scale }
    }

    /// The receive filter: IRS for P.862 (NB), the 100 Hz high-pass for P.862.2 (WB), whose
    /// ends are faded over 16 samples first so the IIR does not ring on a step; Corrigendum 2
    /// attenuates the WB filter by 12 dB.
    static func applyReceiveFilter(_ signal: inout PESQSignal, wideBand: Bool,
                                   revision: PESQ.Revision = .original, rate: PESQRate, fft: PESQFFT) {
        let sb = rate.searchBuffer
        if !wideBand {
            applyCurve(&signal.data, samples: signal.samples, PESQFilters.irsReceive, rate: rate, fft: fft)
            return
        }
        for i in 0..<16 {
            signal.data[sb + i - 1] *= Float(i) / 16
            signal.data[signal.samples - sb - i] *= Float(i) / 16
        }
        biquads(&signal.data, sb..<(signal.samples - sb),
                revision == .original ? rate.wideBandInputFilter : rate.wideBandInputFilterCorrigendum2)
    }

    /// DC removal, 4 ms fades and the alignment input filter: the signal the VAD and the
    /// time alignment see (the perceptual model uses the unfiltered copy).
    static func prepareForAlignment(_ signal: inout PESQSignal, rate: PESQRate) {
        let sb = rate.searchBuffer, n = signal.samples
        // The reference accumulates in single precision and divides by the padded length.
        var mean: Float = 0
        for i in sb..<(n - sb) { mean += signal.data[i] }
        mean /= Float(n)
        for i in sb..<(n - sb) { signal.data[i] -= mean }
        for c in 0..<rate.downsample {
            let gain = (0.5 + Float(c)) / Float(rate.downsample)
            signal.data[sb + c] *= gain
            signal.data[n - sb - 1 - c] *= gain
        }
        biquads(&signal.data, 0..<(n + rate.dataPadding), rate.alignmentInputFilter)
    }
}
