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
    /// - Throws: `HushError.invalidConfiguration` when the stage needs another framing (a network
    ///   runs only in its model's: use `init(model:budget:kernels:)` or `init(network:)`).
    public init(configuration: STFTConfiguration, stage: any SpectralStage) throws(HushError) {
        if let required = stage.requiredConfiguration, required != configuration {
            throw .invalidConfiguration(
                "the stage runs in frames of \(required.frameLength) (hop \(required.hop)) at \(required.sampleRate) Hz, "
                + "not \(configuration.frameLength) (hop \(configuration.hop)) at \(configuration.sampleRate) Hz")
        }
        stft = try StreamingSTFT(configuration: configuration, stage: stage)
    }

    /// Samples by which the output stream trails the input stream.
    public var outputDelay: Int { configuration.outputDelay }

    /// Output samples that pushing `count` more input samples will produce.
    public func outputCount(forInputCount count: Int) -> Int {
        stft.outputCount(forInputCount: count)
    }

    /// Input samples replaced because they were NaN, infinite or absurdly large.
    public var sanitizedSampleCount: Int { stft.sanitizedSampleCount }

    /// Output samples are clamped to ±this: 1 (full scale) by default; a caller writing float
    /// samples may raise it (up to `SampleSanitizer.limit`) to keep peaks above full scale.
    public var outputLimit: Float {
        get { stft.outputLimit }
        set { stft.outputLimit = newValue }
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

    /// Like `finish(into:)`, but runs at most one frame (writing at most `hop` samples); call it
    /// until it returns 0 to drain the stream one frame at a time, e.g. to time each frame.
    @discardableResult
    public func finishOneFrame(into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        try stft.finishOneFrame(into: output)
    }

    /// Starts a new stream: clears every buffer and the network's history.
    public func reset() { stft.reset() }

    /// Denoises a whole signal and returns it time-aligned with the input (the delay removed),
    /// of the same length. Allocates its result; for files and tests, not for the frame loop.
    /// - Parameter afterEachFrame: called after every frame (flush frames included), e.g. to
    ///   record the network's per-frame statistics.
    public func denoise(_ signal: [Float], afterEachFrame: ((Denoiser) -> Void)? = nil) -> [Float] {
        reset()
        let delay = outputDelay
        let hop = configuration.hop
        var stream = [Float](repeating: 0, count: signal.count + delay + hop)
        var written = 0
        stream.withUnsafeMutableBufferPointer { out in
            signal.withUnsafeBufferPointer { input in
                // Capacity is sized from outputCount/maximumFinishCount, so neither call throws.
                // With an observer, push one hop at a time so it sees every frame.
                let step = afterEachFrame == nil ? max(input.count, 1) : hop
                var start = 0
                while start < input.count {
                    let end = min(start + step, input.count)
                    let n = (try? stft.process(UnsafeBufferPointer(rebasing: input[start..<end]),
                                               into: UnsafeMutableBufferPointer(rebasing: out[written...]))) ?? 0
                    written += n
                    if n > 0, let observe = afterEachFrame { observe(self) }
                    start = end
                }
                // Drain one frame at a time so an observer sees the flush frames too.
                while true {
                    let n = (try? stft.finishOneFrame(into: UnsafeMutableBufferPointer(rebasing: out[written...]))) ?? 0
                    if n == 0 { break }
                    written += n
                    afterEachFrame?(self)
                }
            }
        }
        return Array(stream[delay..<(delay + signal.count)])
    }
}

extension Denoiser {
    /// A denoiser running `model` at `budget` (default: the model's) in the model's framing.
    public convenience init(model: Model, budget: Float? = nil,
                            kernels: KernelChoice = .fast) throws(HushError) {
        try self.init(network: try GatedNetwork(model: model, budget: budget, kernels: kernels))
    }

    /// A denoiser running `network` (as its owner configured it) in its model's framing.
    public convenience init(network: GatedNetwork) throws(HushError) {
        try self.init(configuration: network.model.configuration.stft, stage: network)
    }

    /// The network stage, or nil for a pass-through denoiser.
    public var network: GatedNetwork? { stage as? GatedNetwork }
}
