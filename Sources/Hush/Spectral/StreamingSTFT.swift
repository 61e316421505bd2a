/// Streaming STFT → spectral stage → inverse STFT with weighted overlap-add, as a plain state
/// struct whose buffers are carved from an arena (`place`); the frame code lives here, once.
///
/// Push any number of samples; every completed hop runs one frame (calling the `stage` closure
/// on the spectrum) and yields `hop` output samples. The output stream is the input stream
/// delayed by `configuration.outputDelay` samples (exactly, for a pass-through stage). `process`
/// and `finish` allocate nothing, so the result is identical whatever the chunking of the input.
public struct STFTState {
    /// The framing in use.
    public let configuration: STFTConfiguration

    let fft: RealFFTState
    let analysisWindow: UnsafeMutablePointer<Float>
    let synthesisWindow: UnsafeMutablePointer<Float>
    /// The last `frameLength` input samples; the newest hop is being filled at the end.
    let frame: UnsafeMutablePointer<Float>
    /// Overlap-add accumulator, `frameLength` samples; its first `hop` are complete after a frame.
    let overlap: UnsafeMutablePointer<Float>
    /// Scratch for the hop produced while flushing, so `finish` can hand out part of it.
    let tail: UnsafeMutablePointer<Float>
    var pending = 0
    var samplesIn = 0
    var samplesOut = 0
    var sanitized = 0
    /// Output samples are clamped to ±this (1, full scale, unless a caller that keeps float
    /// samples above full scale raises it; NaN always becomes 0).
    public var outputLimit: Float = 1

    /// The per-frame spectral processing: modifies `bins` interleaved complex values in place.
    public typealias Stage = (_ spectrum: UnsafeMutablePointer<Float>, _ bins: Int) -> Void

    /// Carves the state for `configuration` from `arena` and, when it can be written, initialises
    /// it (windows computed in place, buffers zeroed, FFT plans looked up). Returns a placeholder
    /// over a measuring or overflowed arena.
    /// - Throws: `HushError.fftUnavailable` if FFTW cannot plan the frame length.
    public static func place(configuration: STFTConfiguration,
                             in arena: inout Arena) throws(HushError) -> UnsafeMutablePointer<STFTState> {
        let n = configuration.frameLength
        let state = arena.take(STFTState.self, count: 1, for: .stft)
        let analysisWindow = arena.take(Float.self, count: n, for: .stft)
        let synthesisWindow = arena.take(Float.self, count: n, for: .stft)
        let frame = arena.take(Float.self, count: n, for: .stft)
        let overlap = arena.take(Float.self, count: n, for: .stft)
        let tail = arena.take(Float.self, count: configuration.hop, for: .stft)
        guard let fft = try RealFFTState.carve(size: n, in: &arena), arena.canWrite else { return state }
        WindowTables.sqrtHann(n, into: analysisWindow)
        WindowTables.synthesis(analysis: analysisWindow, count: n, hop: configuration.hop, into: synthesisWindow)
        frame.initialize(repeating: 0, count: n)
        overlap.initialize(repeating: 0, count: n)
        tail.initialize(repeating: 0, count: configuration.hop)
        state.initialize(to: STFTState(
            configuration: configuration, fft: fft, analysisWindow: analysisWindow,
            synthesisWindow: synthesisWindow, frame: frame, overlap: overlap, tail: tail))
        return state
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
    public mutating func process(_ input: UnsafeBufferPointer<Float>,
                                 into output: UnsafeMutableBufferPointer<Float>,
                                 stage: Stage) throws(HushError) -> Int {
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
                runFrame(emittingTo: output.baseAddress! + written, stage: stage)
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
    public mutating func finish(into output: UnsafeMutableBufferPointer<Float>,
                                stage: Stage) throws(HushError) -> Int {
        try drain(into: output, frameLimit: Int.max, stage: stage)
    }

    /// Like `finish`, but runs at most one frame; call until it returns 0 to drain the stream.
    @discardableResult
    public mutating func finishOneFrame(into output: UnsafeMutableBufferPointer<Float>,
                                        stage: Stage) throws(HushError) -> Int {
        try drain(into: output, frameLimit: 1, stage: stage)
    }

    private mutating func drain(into output: UnsafeMutableBufferPointer<Float>,
                                frameLimit: Int, stage: Stage) throws(HushError) -> Int {
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
            runFrame(emittingTo: tail, stage: stage)
            let keep = min(hop, target - samplesOut - written)
            (output.baseAddress! + written).update(from: tail, count: keep)
            written += keep
        }
        samplesOut += written
        return written
    }

    /// Forgets all history: the next sample starts a new stream (the stage's own history is the
    /// caller's to reset).
    public mutating func reset() {
        let n = configuration.frameLength
        frame.update(repeating: 0, count: n)
        overlap.update(repeating: 0, count: n)
        pending = 0
        samplesIn = 0
        samplesOut = 0
        sanitized = 0
    }

    /// Analyse the full frame, run the stage, synthesise, overlap-add, emit one hop.
    private mutating func runFrame(emittingTo destination: UnsafeMutablePointer<Float>, stage: Stage) {
        let n = configuration.frameLength
        let hop = configuration.hop
        let time = fft.time
        for i in 0..<n { time[i] = frame[i] * analysisWindow[i] }
        fft.forward()
        stage(fft.spectrum, configuration.bins)
        fft.inverse()
        for i in 0..<n { overlap[i] += time[i] * synthesisWindow[i] }
        // Output is always finite and within ±outputLimit (full scale unless raised), whatever a
        // stage produced.
        let limit = outputLimit
        for i in 0..<hop {
            let y = overlap[i]
            destination[i] = y.isNaN ? 0 : min(max(y, -limit), limit)
        }
        // Slide both windows of history by one hop.
        for i in 0..<(n - hop) { overlap[i] = overlap[i + hop] }
        (overlap + (n - hop)).update(repeating: 0, count: hop)
        for i in 0..<(n - hop) { frame[i] = frame[i + hop] }
        pending = 0
    }
}

/// A streaming STFT running a `SpectralStage`: a thin owner of one block holding an `STFTState`
/// (see there for the contract). Every buffer is allocated at creation, in that one block.
public final class StreamingSTFT {
    /// The framing in use.
    public var configuration: STFTConfiguration { state.pointee.configuration }
    /// The per-frame spectral processing.
    public let stage: any SpectralStage
    private let state: UnsafeMutablePointer<STFTState>
    private let memory: UnsafeMutableRawPointer

    /// Plans the FFT (once per size, process-wide) and allocates all state for `configuration`.
    public init(configuration: STFTConfiguration, stage: any SpectralStage) throws(HushError) {
        self.stage = stage
        let block = try Arena.allocating { (arena: inout Arena) throws(HushError) in
            try STFTState.place(configuration: configuration, in: &arena)
        }
        (memory, state) = (block.memory, block.result)
    }

    deinit { memory.deallocate() }

    /// Samples received since creation or the last `reset`.
    public var inputSampleCount: Int { state.pointee.inputSampleCount }
    /// Samples emitted since creation or the last `reset`.
    public var outputSampleCount: Int { state.pointee.outputSampleCount }
    /// Input samples that were replaced before reaching the spectrum (see `STFTState`).
    public var sanitizedSampleCount: Int { state.pointee.sanitizedSampleCount }

    /// The output clamp, ±1 by default (see `STFTState.outputLimit`).
    public var outputLimit: Float {
        get { state.pointee.outputLimit }
        set { state.pointee.outputLimit = newValue.isNaN ? 1 : min(max(newValue, 1), SampleSanitizer.limit) }
    }

    /// The number of output samples that pushing `count` more input samples will produce.
    public func outputCount(forInputCount count: Int) -> Int {
        state.pointee.outputCount(forInputCount: count)
    }

    /// Pushes `input` and writes every completed output sample to `output` (`STFTState.process`).
    @discardableResult
    public func process(_ input: UnsafeBufferPointer<Float>,
                        into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        let stage = self.stage
        return try state.pointee.process(input, into: output) { stage.process(spectrum: $0, bins: $1) }
    }

    /// The most samples `finish` can write: the delay still held plus a partial hop.
    public var maximumFinishCount: Int { state.pointee.maximumFinishCount }

    /// Ends the stream (`STFTState.finish`). Call `reset` before reusing the instance.
    @discardableResult
    public func finish(into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        let stage = self.stage
        return try state.pointee.finish(into: output) { stage.process(spectrum: $0, bins: $1) }
    }

    /// Like `finish`, but runs at most one frame; call until it returns 0 to drain the stream.
    @discardableResult
    public func finishOneFrame(into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        let stage = self.stage
        return try state.pointee.finishOneFrame(into: output) { stage.process(spectrum: $0, bins: $1) }
    }

    /// Forgets all history, the stage's included: the next sample starts a new stream.
    public func reset() {
        state.pointee.reset()
        stage.reset()
    }
}
