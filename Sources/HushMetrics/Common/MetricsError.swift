/// Why a metric could not be computed. Metrics refuse rather than return a silently wrong number.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// The two signals must have the same length (STOI and SI-SDR compare sample by sample).
    case lengthMismatch(clean: Int, enhanced: Int)
    /// The two signals must have the same sample rate.
    case rateMismatch(clean: Int, enhanced: Int)
    /// The metric is defined only at these rates (PESQ: 8 kHz NB, 16 kHz WB).
    case unsupportedRate(Int, supported: [Int])
    /// Too little audio to compute the metric (`needed` samples at the metric's rate).
    case tooShort(samples: Int, needed: Int)
    /// The reference is silent (all zero), so the ratio is undefined.
    case silentReference
    /// The degraded signal is all zero: PESQ's level alignment is undefined (the reference
    /// code divides by zero there).
    case silentDegraded
    /// PESQ found no utterance (speech activity) in the reference.
    case noUtterances
    /// A sample is NaN or infinite.
    case nonFiniteSamples
    /// The FFT could not be planned.
    case fftUnavailable

    /// One line, as the CLI prints it.
    public var description: String {
        switch self {
        case let .lengthMismatch(c, e):
            return "clean and enhanced differ in length (\(c) vs \(e) samples); trim or pad them to the same length"
        case let .rateMismatch(c, e):
            return "clean and enhanced differ in sample rate (\(c) Hz vs \(e) Hz)"
        case let .unsupportedRate(r, supported):
            return "sample rate \(r) Hz not supported (supported: \(supported.map { "\($0) Hz" }.joined(separator: ", ")))"
        case let .tooShort(n, needed):
            return "signal too short (\(n) samples, need at least \(needed))"
        case .silentReference:
            return "the clean reference is silent (RMS below −70 dBFS)"
        case .silentDegraded:
            return "the enhanced signal is silent (RMS below −70 dBFS)"
        case .noUtterances:
            return "PESQ found no speech in the reference"
        case .nonFiniteSamples:
            return "a sample is NaN or infinite"
        case .fftUnavailable:
            return "FFT unavailable"
        }
    }
}
