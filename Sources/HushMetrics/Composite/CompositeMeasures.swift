/// Hu & Loizou's (2008) composite measures: linear combinations of PESQ, LLR, WSS and segmental
/// SNR fitted to listeners' ratings of signal distortion (CSIG), background intrusiveness (CBAK)
/// and overall quality (COVL), each clipped to the 1–5 MOS scale:
///
///     CSIG = 3.093 − 1.029·LLR + 0.603·PESQ − 0.009·WSS
///     CBAK = 1.634 + 0.478·PESQ − 0.007·WSS + 0.063·segSNR
///     COVL = 1.594 + 0.805·PESQ − 0.512·LLR − 0.007·WSS
///
/// Computed as `pysepm` 0.1's `composite()` computes them: LLR unclamped (the mean of the 95 %
/// lowest frames), WSS (95 % lowest), segSNR as `SegmentalSNR`; the PESQ term is P.862.2
/// wide-band MOS-LQO at 16 kHz and the raw P.862 score (before the P.862.1 mapping) below
/// 16 kHz, both without Corrigendum 2 (the `pesq` package's numbers). Hu & Loizou fitted on
/// 8 kHz speech with the raw P.862 score; at 16 kHz the field's numbers use WB MOS-LQO.
public struct CompositeMeasures: Sendable, Equatable {
    /// Predicted rating of speech signal distortion, 1…5.
    public var csig: Double
    /// Predicted rating of background-noise intrusiveness, 1…5 (5: not noticeable).
    public var cbak: Double
    /// Predicted overall quality, 1…5.
    public var covl: Double
    /// The PESQ term the three used.
    public var pesq: Double
    /// LLR as the composites use it: per-frame values unclamped.
    public var llr: Double
    /// WSS.
    public var wss: Double
    /// Segmental SNR in dB.
    public var segmentalSNR: Double

    /// The composites of `enhanced` against `clean` (same length and rate, 8 or 16 kHz), PESQ
    /// included.
    /// - Throws: `.lengthMismatch`, `.unsupportedRate`, `.tooShort`, or PESQ's refusals.
    public static func compute(clean: [Float], enhanced: [Float],
                               sampleRate: Int) throws(MetricsError) -> CompositeMeasures {
        guard PESQ.supportedRates.contains(sampleRate) else {
            throw .unsupportedRate(sampleRate, supported: PESQ.supportedRates)
        }
        guard clean.count == enhanced.count else {
            throw .lengthMismatch(clean: clean.count, enhanced: enhanced.count)
        }
        let term: Double
        if sampleRate == 16_000 {
            term = try PESQ.mos(reference: clean, degraded: enhanced, sampleRate: sampleRate, mode: .wideBand)
        } else {
            term = try PESQ.evaluate(reference: clean, degraded: enhanced, sampleRate: sampleRate,
                                     mode: .narrowBand).raw
        }
        return try compute(clean: clean, enhanced: enhanced, sampleRate: sampleRate, pesq: term)
    }

    /// The composites with a PESQ term the caller has computed (see the type's description for
    /// the convention they were fitted and validated with).
    public static func compute(clean: [Float], enhanced: [Float], sampleRate: Int,
                               pesq: Double) throws(MetricsError) -> CompositeMeasures {
        let llr = try LLR.mean(clean: clean, enhanced: enhanced, sampleRate: sampleRate, clampedAt2: false)
        let wss = try WSS.distance(clean: clean, enhanced: enhanced, sampleRate: sampleRate)
        let segSNR = try SegmentalSNR.decibels(clean: clean, enhanced: enhanced, sampleRate: sampleRate)
        return combine(pesq: pesq, llr: llr, wss: wss, segmentalSNR: segSNR)
    }

    /// Hu & Loizou's coefficients applied to the parts, each result clipped to [1, 5].
    public static func combine(pesq: Double, llr: Double, wss: Double,
                               segmentalSNR: Double) -> CompositeMeasures {
        func clipped(_ v: Double) -> Double { min(5, max(1, v)) }
        return CompositeMeasures(
            csig: clipped(3.093 - 1.029 * llr + 0.603 * pesq - 0.009 * wss),
            cbak: clipped(1.634 + 0.478 * pesq - 0.007 * wss + 0.063 * segmentalSNR),
            covl: clipped(1.594 + 0.805 * pesq - 0.512 * llr - 0.007 * wss),
            pesq: pesq, llr: llr, wss: wss, segmentalSNR: segmentalSNR)
    }
}
