/// The analysis/synthesis window pair used by the STFT.
public enum STFTWindow: Int32, Sendable, Equatable {
    /// Periodic square-root Hann for analysis and for synthesis; their product is a Hann window,
    /// which overlap-adds to a constant for any hop that divides the frame length by two or more.
    case sqrtHann = 0
}

/// Framing parameters of the streaming STFT. The model file supplies them; tests pick their own.
public struct STFTConfiguration: Sendable, Equatable {
    /// Sample rate the frames are taken at, in Hz (used for latency figures only).
    public let sampleRate: Int
    /// Frame length, equal to the FFT length, in samples.
    public let frameLength: Int
    /// Distance between frame starts, in samples.
    public let hop: Int
    /// Window pair.
    public let window: STFTWindow

    /// Sample rates the engine, files and streams accept (a header claiming 1 Hz is an error).
    public static let supportedSampleRates = 1000...384_000

    /// Why `rate` is not supported, or nil when it is (the one message for every path).
    public static func rateProblem(_ rate: Int) -> String? {
        supportedSampleRates.contains(rate) ? nil
            : "sample rate \(rate) Hz outside \(supportedSampleRates.lowerBound)…\(supportedSampleRates.upperBound)"
    }

    /// Validates and stores a framing.
    /// - Throws: `HushError.invalidConfiguration` unless `frameLength` is even and ≥ 16, and `hop`
    ///   divides `frameLength` with at least 50 % overlap (needed for an invertible sqrt-Hann pair).
    public init(sampleRate: Int = 16_000, frameLength: Int = 512, hop: Int = 256,
                window: STFTWindow = .sqrtHann) throws(HushError) {
        if let problem = Self.rateProblem(sampleRate) { throw .invalidConfiguration(problem) }
        guard frameLength >= 16, frameLength <= 1 << 16, frameLength % 2 == 0 else {
            throw .invalidConfiguration("frame length \(frameLength) must be even, 16…65536")
        }
        guard hop >= 1, hop * 2 <= frameLength, frameLength % hop == 0 else {
            throw .invalidConfiguration(
                "hop \(hop) must divide frame length \(frameLength) and be at most half of it")
        }
        self.sampleRate = sampleRate
        self.frameLength = frameLength
        self.hop = hop
        self.window = window
    }

    /// Number of one-sided spectrum bins, `frameLength / 2 + 1`.
    public var bins: Int { frameLength / 2 + 1 }

    /// Samples by which the output stream trails the input stream (`frameLength − hop`).
    public var outputDelay: Int { frameLength - hop }

    /// Algorithmic latency in samples: from the first sample of a frame to the last output sample
    /// it influences, which is one whole frame.
    public var latencySamples: Int { frameLength }

    /// Algorithmic latency in milliseconds.
    public var latencyMilliseconds: Double { Double(latencySamples) * 1000 / Double(sampleRate) }
}
