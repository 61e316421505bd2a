/// Perceptual Evaluation of Speech Quality: ITU-T P.862 narrow-band (MOS-LQO by P.862.1) and
/// P.862.2 wide-band, written from the Recommendation to agree with the ITU reference code as
/// wrapped by the `pesq` PyPI package (without Corrigendum 2) and, with `.corrigendum2`, as the
/// `pesqc2` package computes it.
public enum PESQ {
    /// Which Recommendation to follow.
    public enum Mode: Sendable {
        /// P.862 with the P.862.1 mapping (IRS receive filter); at 8 or 16 kHz.
        case narrowBand
        /// P.862.2 (flat filter above 100 Hz); at 16 kHz only.
        case wideBand
    }

    /// Which edition of the reference code to follow.
    public enum Revision: Sendable {
        /// P.862 / P.862.2 as the `pesq` 0.0.4 package runs them: the numbers most papers report.
        case original
        /// With P.862 Corrigendum 2 (2018), as `pesqc2` 0.0.4: the WB input filter (P.862.2's
        /// 100 Hz high-pass) gains a factor 0.251188 (−12 dB) in its numerator, which moves WB
        /// scores (mostly up: a median +0.5 MOS on the validation set); NB is unchanged.
        case corrigendum2
    }

    /// The sample rates PESQ is defined at.
    public static let supportedRates = [8_000, 16_000]

    /// MOS-LQO of `degraded` against `reference`. The signals may differ in length and be
    /// delayed against each other; PESQ aligns them.
    public static func mos(reference: [Float], degraded: [Float], sampleRate: Int,
                           mode: Mode, revision: Revision = .original) throws(MetricsError) -> Double {
        try evaluate(reference: reference, degraded: degraded, sampleRate: sampleRate, mode: mode,
                     revision: revision).mos
    }

    /// The raw P.862 score (before the mapping) and MOS-LQO.
    static func evaluate(reference: [Float], degraded: [Float], sampleRate: Int, mode: Mode,
                         revision: Revision = .original) throws(MetricsError) -> (raw: Double, mos: Double) {
        guard supportedRates.contains(sampleRate) else {
            throw .unsupportedRate(sampleRate, supported: supportedRates)
        }
        if mode == .wideBand && sampleRate != 16_000 {
            throw .unsupportedRate(sampleRate, supported: [16_000])
        }
        guard !reference.isEmpty, !degraded.isEmpty else { throw .tooShort(samples: 0, needed: sampleRate / 4) }
        let raw = try rawScore(reference: reference, degraded: degraded, rate: PESQRate(fs: sampleRate),
                               wideBand: mode == .wideBand, revision: revision)
        return (Double(raw), Double(mapped(raw, mode: mode)))
    }

    /// The raw score's mapping to MOS-LQO: P.862.1 for NB, P.862.2's own for WB (in single
    /// precision, as the reference computes it).
    static func mapped(_ raw: Float, mode: Mode) -> Float {
        switch mode {
        case .narrowBand: return 0.999 + 4 / (1 + Float(MetricsMath.exp(Double(-1.4945 * raw + 4.6607))))
        case .wideBand: return 0.999 + 4 / (1 + Float(MetricsMath.exp(Double(-1.3669 * raw + 3.8224))))
        }
    }

    static func rawScore(reference x: [Float], degraded y: [Float], rate: PESQRate,
                         wideBand: Bool, revision: Revision = .original) throws(MetricsError) -> Float {
        // The `pesq` package scales both signals by their joint peak before the reference code
        // runs; PESQ aligns levels itself, so this only matters in the last bits, but those
        // bits are what agreement with it is measured in.
        var referencePeak: Float = 0, degradedPeak: Float = 0
        for v in x { referencePeak = max(referencePeak, abs(v)) }
        for v in y { degradedPeak = max(degradedPeak, abs(v)) }
        guard referencePeak.isFinite && degradedPeak.isFinite else { throw .nonFiniteSamples }
        guard referencePeak > 0 else { throw .silentReference }
        guard degradedPeak > 0 else { throw .silentDegraded }
        let peak = max(referencePeak, degradedPeak)
        var reference = PESQSignal(x, peak: peak, rate: rate)
        var degraded = PESQSignal(y, peak: peak, rate: rate)
        let sb = rate.searchBuffer, pad = rate.dataPadding
        for s in [reference.samples, degraded.samples] where s - 2 * sb < rate.fs / 4 {
            throw .tooShort(samples: s - 2 * sb, needed: rate.fs / 4)
        }
        let fft = PESQFFT()
        let maxSamples = max(reference.samples, degraded.samples)
        PESQInputFilters.alignLevel(&reference, maxSamples: maxSamples, rate: rate, fft: fft)
        PESQInputFilters.alignLevel(&degraded, maxSamples: maxSamples, rate: rate, fft: fft)
        PESQInputFilters.applyReceiveFilter(&reference, wideBand: wideBand, revision: revision, rate: rate, fft: fft)
        PESQInputFilters.applyReceiveFilter(&degraded, wideBand: wideBand, revision: revision, rate: rate, fft: fft)
        fft.discardTransforms()
        // The perceptual model works on these; alignment on a further filtered copy.
        var modelReference = reference.data, modelDegraded = degraded.data

        PESQInputFilters.prepareForAlignment(&reference, rate: rate)
        PESQInputFilters.prepareForAlignment(&degraded, rate: rate)
        PESQVAD.analyse(&reference, downsample: rate.downsample)
        PESQVAD.analyse(&degraded, downsample: rate.downsample)
        let utterances: PESQUtterances
        do {
            var alignment = PESQAlignment(reference: reference, degraded: degraded, rate: rate, fft: fft)
            alignment.run()
            utterances = alignment.utterances
        }
        // The alignment's filtered copies are done with: freed before the perceptual model runs.
        reference.data = []
        degraded.data = []

        // Both signals are zero-padded to the longer one.
        let paddedLength = maxSamples + pad
        modelReference.append(contentsOf: repeatElement(0, count: paddedLength - modelReference.count))
        modelDegraded.append(contentsOf: repeatElement(0, count: paddedLength - modelDegraded.count))
        return try PESQPerceptualModel(rate: rate, fft: fft)
            .rawScore(reference: modelReference, degraded: modelDegraded, maxSamples: maxSamples,
                      utterances: utterances)
    }
}
