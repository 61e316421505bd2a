/// The streaming denoiser: samples in, denoised samples out, at the model rate.
///
/// Push any number of samples with `process(_:into:)`; each completed hop runs one frame and
/// yields `hop` samples, so output trails input by `outputDelay` samples. `finish(into:)` drains
/// the tail at the end of a stream. After creation nothing here allocates.
public final class Denoiser {
    /// The STFT framing (from the model, or chosen for a pass-through run).
    public var configuration: STFTConfiguration { stft.configuration }
    /// The per-frame spectral stage.
    public var stage: any SpectralStage { stft.stage }
    private let stft: StreamingSTFT

    /// A denoiser running `stage` inside the streaming STFT of `configuration`.
    public init(configuration: STFTConfiguration, stage: any SpectralStage) throws(HushError) {
        stft = try StreamingSTFT(configuration: configuration, stage: stage)
    }

    /// Samples by which the output stream trails the input stream.
    public var outputDelay: Int { configuration.outputDelay }

    /// Output samples that pushing `count` more input samples will produce.
    public func outputCount(forInputCount count: Int) -> Int {
        stft.outputCount(forInputCount: count)
    }

    /// Frames processed since creation or the last reset.
    public var framesProcessed: Int { stft.outputSampleCount / configuration.hop }

    /// Pushes samples and writes the completed output samples; returns how many were written.
    /// - Throws: `HushError.bufferTooSmall` if `output` is shorter than
    ///   `outputCount(forInputCount: input.count)`; nothing is consumed then.
    @discardableResult
    public func process(_ input: UnsafeBufferPointer<Float>,
                        into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        try stft.process(input, into: output)
    }

    /// The most samples `finish(into:)` writes.
    public var maximumFinishCount: Int { stft.maximumFinishCount }

    /// Ends the stream, writing every sample still held; returns how many were written.
    @discardableResult
    public func finish(into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        try stft.finish(into: output)
    }

    /// Starts a new stream: clears every buffer and the network's history.
    public func reset() { stft.reset() }

    /// Denoises a whole signal and returns it time-aligned with the input (the delay removed),
    /// of the same length. Allocates its result; for files and tests, not for the frame loop.
    public func denoise(_ signal: [Float]) -> [Float] {
        reset()
        let delay = outputDelay
        var stream = [Float](repeating: 0, count: signal.count + delay + configuration.hop)
        var written = 0
        stream.withUnsafeMutableBufferPointer { out in
            signal.withUnsafeBufferPointer { input in
                // Capacity is sized from outputCount/maximumFinishCount, so neither call throws.
                written = (try? stft.process(input, into: out)) ?? 0
                let rest = UnsafeMutableBufferPointer(rebasing: out[written...])
                written += (try? stft.finish(into: rest)) ?? 0
            }
        }
        return Array(stream[delay..<(delay + signal.count)])
    }
}
