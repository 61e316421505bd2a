/// Every quality metric Hush reports for one (clean, enhanced) pair.
///
/// A metric the reference tools would not compute for this pair is `nil`, with the reason in
/// `notes`: pystoi and SI-SDR compare sample by sample and need equal lengths (PESQ aligns the
/// signals itself, so it is still computed); PESQ WB needs 16 kHz.
public struct QualityScores: Sendable, Equatable {
    /// PESQ narrow-band (P.862 + P.862.1 mapping), MOS-LQO.
    public var pesqNarrowBand: Double?
    /// PESQ wide-band (P.862.2), MOS-LQO.
    public var pesqWideBand: Double?
    /// PESQ wide-band with P.862 Corrigendum 2 (as `pesqc2`), MOS-LQO.
    public var pesqWideBandCorrigendum2: Double?
    /// STOI, 0…1.
    public var stoi: Double?
    /// Extended STOI.
    public var estoi: Double?
    /// SI-SDR in dB.
    public var siSDR: Double?
    /// Segmental SNR in dB.
    public var segmentalSNR: Double?
    /// Frequency-weighted segmental SNR in dB (`pysepm.fwSNRseg`).
    public var frequencyWeightedSegmentalSNR: Double?
    /// LLR as the stand-alone measure (`pysepm.llr`: per-frame values clamped at 2).
    public var llr: Double?
    /// CSIG, CBAK, COVL and the parts they were made of (their LLR is unclamped).
    public var composite: CompositeMeasures?
    /// Time spent computing PESQ NB (what the speed target is about).
    public var pesqNarrowBandTime: ComputeTime?
    /// Time spent computing PESQ WB.
    public var pesqWideBandTime: ComputeTime?
    /// Why a metric is missing, one short line each.
    public var notes: [String] = []

    /// Computes every metric defined for the pair.
    ///
    /// - Parameters:
    ///   - clean, enhanced: mono signals at `sampleRate`.
    ///   - pesqSignals: the same pair at 8 or 16 kHz for PESQ, when `sampleRate` is neither
    ///     (the caller resamples; this module does no file-rate conversion); `nil` otherwise.
    /// - Throws: `MetricsError` only for input no metric can use (silent, non-finite, shorter
    ///   than PESQ's 0.25 s, a PESQ rate other than 8 or 16 kHz); a pair that merely lacks a
    ///   metric gets a note instead.
    public static func compute(clean: [Float], enhanced: [Float], sampleRate: Int,
                               pesqSignals: (clean: [Float], enhanced: [Float], sampleRate: Int)? = nil)
        throws(MetricsError) -> QualityScores {
        var scores = QualityScores()
        // Silence (digital zero, dither, a hiss far below any speech) has no quality to score:
        // SI-SDR and PESQ would return numbers (even +inf) that mean nothing.
        if isSilent(clean) { throw .silentReference }
        if isSilent(enhanced) { throw .silentDegraded }
        let pesqInput = pesqSignals ?? (clean, enhanced, sampleRate)
        guard PESQ.supportedRates.contains(pesqInput.sampleRate) else {
            throw .unsupportedRate(pesqInput.sampleRate, supported: PESQ.supportedRates)
        }
        let narrowBand: (raw: Double, mos: Double)
        (narrowBand, scores.pesqNarrowBandTime) = try timedPESQ(pesqInput, .narrowBand)
        scores.pesqNarrowBand = narrowBand.mos
        if pesqInput.sampleRate == 16_000 {
            let wideBand: (raw: Double, mos: Double)
            (wideBand, scores.pesqWideBandTime) = try timedPESQ(pesqInput, .wideBand)
            scores.pesqWideBand = wideBand.mos
            scores.pesqWideBandCorrigendum2 = try PESQ.mos(
                reference: pesqInput.clean, degraded: pesqInput.enhanced, sampleRate: 16_000,
                mode: .wideBand, revision: .corrigendum2)
        } else {
            scores.notes.append("PESQ WB needs 16 kHz; only NB computed")
        }
        guard clean.count == enhanced.count else {
            scores.notes.append("lengths differ (\(clean.count) vs \(enhanced.count) samples): "
                                + "STOI, ESTOI, SI-SDR, segSNR, fwSegSNR, LLR, WSS and CSIG/CBAK/COVL need equal lengths")
            return scores
        }
        scores.siSDR = try SISDR.decibels(clean: clean, enhanced: enhanced)
        scores.segmentalSNR = try SegmentalSNR.decibels(clean: clean, enhanced: enhanced, sampleRate: sampleRate)
        scores.frequencyWeightedSegmentalSNR = try FrequencyWeightedSegmentalSNR.decibels(
            clean: clean, enhanced: enhanced, sampleRate: sampleRate)
        scores.llr = try LLR.mean(clean: clean, enhanced: enhanced, sampleRate: sampleRate)
        // The composites are defined with PESQ at its own rate: computed on PESQ's signals, with
        // WB MOS-LQO at 16 kHz and the raw NB score at 8 kHz (see `CompositeMeasures`).
        scores.composite = try CompositeMeasures.compute(
            clean: pesqInput.clean, enhanced: pesqInput.enhanced, sampleRate: pesqInput.sampleRate,
            pesq: scores.pesqWideBand ?? narrowBand.raw)
        do {
            scores.stoi = try STOI.score(clean: clean, enhanced: enhanced, sampleRate: sampleRate)
            scores.estoi = try STOI.score(clean: clean, enhanced: enhanced, sampleRate: sampleRate, extended: true)
        } catch .tooShort {
            scores.notes.append("STOI needs at least 30 frames (384 ms) of speech")
        }
        return scores
    }

    /// Signals whose RMS is below this (−70 dBFS) count as silent.
    public static let silenceRMS = 3.162e-4

    /// Whether `signal`'s RMS is below `silenceRMS`.
    static func isSilent(_ signal: [Float]) -> Bool {
        guard !signal.isEmpty else { return true }
        let energy = signal.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (energy / Double(signal.count)).squareRoot() < silenceRMS
    }

    private static func timedPESQ(_ input: (clean: [Float], enhanced: [Float], sampleRate: Int),
                                  _ mode: PESQ.Mode) throws(MetricsError) -> ((raw: Double, mos: Double), ComputeTime) {
        let clock = ContinuousClock()
        let start = clock.now, startCPU = MetricsMath.threadCPUSeconds()
        let score = try PESQ.evaluate(reference: input.clean, degraded: input.enhanced,
                                      sampleRate: input.sampleRate, mode: mode)
        let elapsed = clock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (score, ComputeTime(wallSeconds: wall, cpuSeconds: MetricsMath.threadCPUSeconds() - startCPU))
    }
}

/// How long a computation took: wall-clock time, and the CPU time of the thread that ran it
/// (the single-thread cost, unaffected by other processes competing for the machine).
public struct ComputeTime: Sendable, Equatable {
    /// Wall-clock seconds.
    public var wallSeconds: Double
    /// CPU seconds of the computing thread.
    public var cpuSeconds: Double
}
