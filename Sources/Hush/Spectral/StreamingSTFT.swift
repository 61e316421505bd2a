/// Streaming STFT → spectral stage → inverse STFT with weighted overlap-add.
///
/// Push any number of samples; every completed hop runs one frame and yields `hop` output samples.
/// The output stream is the input stream delayed by `configuration.outputDelay` samples (exactly,
/// for a pass-through stage). Every buffer is allocated at creation; `process` and `finish`
/// allocate nothing, so the result is identical whatever the chunking of the input.
public final class StreamingSTFT {
    /// The framing in use.
    public let configuration: STFTConfiguration
    /// The per-frame spectral processing.
    public let stage: any SpectralStage

    private let fft: RealFFT
    private let analysisWindow: UnsafeMutablePointer<Float>
    private let synthesisWindow: UnsafeMutablePointer<Float>
    /// The last `frameLength` input samples; the newest hop is being filled at the end.
    private let frame: UnsafeMutablePointer<Float>
    /// Overlap-add accumulator, `frameLength` samples; its first `hop` are complete after a frame.
    private let overlap: UnsafeMutablePointer<Float>
    /// Scratch for the hop produced while flushing, so `finish` can hand out part of it.
    private let tail: UnsafeMutablePointer<Float>
    private var pending = 0
    private var samplesIn = 0
    private var samplesOut = 0
    private var sanitized = 0

    /// Plans the FFT and allocates all state for `configuration`.
    public init(configuration: STFTConfiguration, stage: any SpectralStage) throws(HushError) {
        self.configuration = configuration
        self.stage = stage
        let n = configuration.frameLength
        fft = try RealFFT(size: n)
        let w = WindowTables.sqrtHann(n)
        let s = WindowTables.synthesis(analysis: w, hop: configuration.hop)
        analysisWindow = .allocate(capacity: n)
        analysisWindow.initialize(from: w, count: n)
        synthesisWindow = .allocate(capacity: n)
        synthesisWindow.initialize(from: s, count: n)
        frame = .allocate(capacity: n)
        frame.initialize(repeating: 0, count: n)
        overlap = .allocate(capacity: n)
        overlap.initialize(repeating: 0, count: n)
        tail = .allocate(capacity: configuration.hop)
        tail.initialize(repeating: 0, count: configuration.hop)
    }

    deinit {
        analysisWindow.deallocate()
        synthesisWindow.deallocate()
        frame.deallocate()
        overlap.deallocate()
        tail.deallocate()
    }

    /// Samples received since creation or the last `reset`.
    public var inputSampleCount: Int { samplesIn }
    /// Samples emitted since creation or the last `reset`.
    public var outputSampleCount: Int { samplesOut }

    /// Input samples that were NaN, infinite or beyond ±`SampleSanitizer.limit` and were replaced
    /// before reaching the spectrum (and so the network's state).
    public var sanitizedSampleCount: Int { sanitized }

    /// The number of output samples that pushing `count` more input samples will produce.
    public func outputCount(forInputCount count: Int) -> Int {
        (pending + count) / configuration.hop * configuration.hop
    }

    /// Pushes `input` and writes every completed output sample to `output`.
    /// - Returns: the number of samples written, `outputCount(forInputCount: input.count)`.
    /// - Throws: `HushError.bufferTooSmall` (consuming nothing) if `output` cannot hold them.
    @discardableResult
    public func process(_ input: UnsafeBufferPointer<Float>,
                        into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        let needed = outputCount(forInputCount: input.count)
        guard output.count >= needed else {
            throw .bufferTooSmall(needed: needed, given: output.count)
        }
        guard let source = input.baseAddress, input.count > 0 else { return 0 }
        let hop = configuration.hop
        let fill = frame + (configuration.frameLength - hop)
        var consumed = 0
        var written = 0
        while consumed < input.count {
            let take = min(hop - pending, input.count - consumed)
            for i in 0..<take {
                var changed = false
                fill[pending + i] = SampleSanitizer.clean(source[consumed + i], changed: &changed)
                sanitized &+= changed ? 1 : 0
            }
            pending += take
            consumed += take
            if pending == hop {
                runFrame(emittingTo: output.baseAddress! + written)
                written += hop
            }
        }
        samplesIn += input.count
        samplesOut += written
        return written
    }

    /// The most samples `finish` can write: the delay still held plus a partial hop.
    public var maximumFinishCount: Int { configuration.outputDelay + configuration.hop }

    /// Ends the stream: pushes silence until every input sample has come out, and writes exactly
    /// the outstanding samples (`inputSampleCount + outputDelay − outputSampleCount`).
    /// Call `reset` before reusing the instance.
    /// - Throws: `HushError.bufferTooSmall` if `output` cannot hold them.
    @discardableResult
    public func finish(into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        try drain(into: output, frameLimit: Int.max)
    }

    /// Like `finish`, but runs at most one frame; call until it returns 0 to drain the stream.
    @discardableResult
    public func finishOneFrame(into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        try drain(into: output, frameLimit: 1)
    }

    private func drain(into output: UnsafeMutableBufferPointer<Float>,
                       frameLimit: Int) throws(HushError) -> Int {
        let target = samplesIn + configuration.outputDelay
        let outstanding = min(target - samplesOut, frameLimit == 1 ? configuration.hop : Int.max)
        guard output.count >= outstanding else {
            throw .bufferTooSmall(needed: outstanding, given: output.count)
        }
        let hop = configuration.hop
        let fill = frame + (configuration.frameLength - hop)
        var written = 0
        var frames = 0
        while samplesOut + written < target, frames < frameLimit {
            frames += 1
            (fill + pending).update(repeating: 0, count: hop - pending)
            runFrame(emittingTo: tail)
            let keep = min(hop, target - samplesOut - written)
            (output.baseAddress! + written).update(from: tail, count: keep)
            written += keep
        }
        samplesOut += written
        return written
    }

    /// Forgets all history: the next sample starts a new stream.
    public func reset() {
        let n = configuration.frameLength
        frame.update(repeating: 0, count: n)
        overlap.update(repeating: 0, count: n)
        pending = 0
        samplesIn = 0
        samplesOut = 0
        sanitized = 0
        stage.reset()
    }

    /// Analyse the full frame, run the stage, synthesise, overlap-add, emit one hop.
    private func runFrame(emittingTo destination: UnsafeMutablePointer<Float>) {
        let n = configuration.frameLength
        let hop = configuration.hop
        let time = fft.time
        for i in 0..<n { time[i] = frame[i] * analysisWindow[i] }
        fft.forward()
        stage.process(spectrum: fft.spectrum, bins: configuration.bins)
        fft.inverse()
        for i in 0..<n { overlap[i] += time[i] * synthesisWindow[i] }
        // Output is always finite and within full scale, whatever a stage produced.
        for i in 0..<hop {
            let y = overlap[i]
            destination[i] = y.isNaN ? 0 : min(max(y, -1), 1)
        }
        // Slide both windows of history by one hop.
        for i in 0..<(n - hop) { overlap[i] = overlap[i + hop] }
        (overlap + (n - hop)).update(repeating: 0, count: hop)
        for i in 0..<(n - hop) { frame[i] = frame[i + hop] }
        pending = 0
    }
}
