/// Scale-invariant signal-to-distortion ratio (Le Roux et al. 2019), in dB.
///
/// Both signals are made zero-mean; the clean signal is scaled to its projection on the
/// enhanced one, s_t = (ŝᵀs/‖s‖²)·s, and SI-SDR = 10·log10(‖s_t‖² / ‖ŝ − s_t‖²). Sums are in
/// double precision so that long files agree with numpy to well under 0.01 dB.
public enum SISDR {
    /// SI-SDR of `enhanced` against `clean` in dB (+∞ for a perfect scaled copy).
    /// - Throws: `.lengthMismatch` for signals of different length, `.silentReference` when the
    ///   clean signal is constant.
    public static func decibels(clean: [Float], enhanced: [Float]) throws(MetricsError) -> Double {
        guard clean.count == enhanced.count else {
            throw .lengthMismatch(clean: clean.count, enhanced: enhanced.count)
        }
        let n = Double(clean.count)
        var meanS = 0.0, meanE = 0.0
        for i in clean.indices { meanS += Double(clean[i]); meanE += Double(enhanced[i]) }
        meanS /= n; meanE /= n
        var dot = 0.0, energy = 0.0
        for i in clean.indices {
            let s = Double(clean[i]) - meanS, e = Double(enhanced[i]) - meanE
            dot += s * e; energy += s * s
        }
        guard energy > 0 else { throw .silentReference }
        let alpha = dot / energy
        var target = 0.0, residual = 0.0
        for i in clean.indices {
            let t = alpha * (Double(clean[i]) - meanS)
            let r = (Double(enhanced[i]) - meanE) - t
            target += t * t; residual += r * r
        }
        return 10 * MetricsMath.log10(target / residual)
    }
}
