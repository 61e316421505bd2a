/// Segmental SNR as in Hu & Loizou's composite-measure code (the convention behind CBAK):
/// 30 ms Hann-windowed frames with a quarter-frame hop, per-frame SNR clamped to [−10, 35] dB,
/// averaged over frames. No silence removal and no scale alignment, so levels matter.
public enum SegmentalSNR {
    /// Lower and upper clamps of the per-frame SNR, in dB.
    public static let range: ClosedRange<Double> = -10...35

    /// Mean clamped per-frame SNR of `enhanced` against `clean`, in dB.
    /// - Throws: `.lengthMismatch`, or `.tooShort` for less than one 30 ms frame.
    public static func decibels(clean: [Float], enhanced: [Float],
                                sampleRate: Int) throws(MetricsError) -> Double {
        guard clean.count == enhanced.count else {
            throw .lengthMismatch(clean: clean.count, enhanced: enhanced.count)
        }
        let frameLength = Int((0.030 * Double(sampleRate)).rounded())
        let hop = frameLength / 4
        guard frameLength > 0, hop > 0, clean.count >= frameLength else {
            throw .tooShort(samples: clean.count, needed: max(frameLength, 4))
        }
        // MATLAB's hanning(n), as the reference code uses.
        let window = (0..<frameLength).map {
            0.5 * (1 - MetricsMath.cos(2 * Double.pi * Double($0 + 1) / Double(frameLength + 1)))
        }
        let frameCount = (clean.count - frameLength) / hop + 1
        let eps = 2.220446049250313e-16
        var total = 0.0
        for f in 0..<frameCount {
            var signal = 0.0, noise = 0.0
            for i in 0..<frameLength {
                let s = window[i] * Double(clean[f * hop + i])
                let e = window[i] * Double(enhanced[f * hop + i])
                signal += s * s; noise += (s - e) * (s - e)
            }
            let snr = 10 * MetricsMath.log10(signal / (noise + eps) + eps)
            total += min(max(snr, range.lowerBound), range.upperBound)
        }
        return total / Double(frameCount)
    }
}
