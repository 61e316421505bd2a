/// Frequency-weighted segmental SNR as `pysepm` 0.1's `fwSNRseg` computes it: per 30 ms frame
/// (MATLAB `hanning`, 75 % overlap), each signal's magnitude spectrum normalised to unit sum,
/// through the 25 critical-band filters of WSS; per band SNR = 10·log10(C² / (C − E)²) weighted
/// by C^0.2 (C, E: clean and enhanced band values; the squared error floored at ε); the
/// weighted mean per frame clamped to [−10, 35] dB and averaged over all frames.
public enum FrequencyWeightedSegmentalSNR {
    /// The exponent of the band weights C^γ.
    static let gamma = 0.2

    /// fwSegSNR of `enhanced` against `clean`, in dB.
    /// - Throws: `.lengthMismatch`, or `.tooShort` for less than one frame.
    public static func decibels(clean: [Float], enhanced: [Float],
                                sampleRate: Int) throws(MetricsError) -> Double {
        var total = 0.0
        let frames = try CompositeSpectra.bandsPerFrame(
            clean: clean, enhanced: enhanced, sampleRate: sampleRate,
            prepare: { m, _ in
                let sum = m.reduce(0, +)
                for k in m.indices { m[k] /= sum }
            }
        ) { cleanBands, enhancedBands in
            var weighted = 0.0, weights = 0.0
            for (c, e) in zip(cleanBands, enhancedBands) {
                let error = max((c - e) * (c - e), CompositeFraming.epsilon)
                let w = MetricsMath.pow(c, gamma)
                weighted += w * (10 * MetricsMath.log10(c * c / error))
                weights += w
            }
            total += min(max(weighted / weights, SegmentalSNR.range.lowerBound), SegmentalSNR.range.upperBound)
        }
        return total / Double(frames)
    }
}
