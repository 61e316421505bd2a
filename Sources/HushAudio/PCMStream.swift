import Hush

/// Raw PCM bytes in, denoised raw PCM bytes out: the engine of `hush stream`, kept apart from
/// file descriptors so it can be tested (and its allocations counted) in memory.
///
/// Bytes may arrive in any split, even mid-sample: an incomplete sample frame is carried to the
/// next push. Several channels are averaged to mono; the output is mono, in the input's encoding.
/// Each chunk handed to the `Denoiser` ends at most at a hop boundary, so one push of a chunk runs
/// at most one STFT frame and every frame can be timed and reported on its own.
///
/// Delay compensation (the default) drops the first `outputDelay` samples of the denoiser's output
/// stream and flushes the tail at the end, so that output sample k lines up with input sample k,
/// exactly as `hush denoise` writes it. Without it the raw stream (input delayed by `outputDelay`)
/// comes out; either way the output has exactly as many samples as the input.
/// After `init` nothing here allocates.
public final class PCMStream {
    /// The denoiser doing the work (the same engine as every other use: never forked).
    public let denoiser: Denoiser
    /// Encoding of input and output.
    public let format: PCMSampleFormat
    /// Interleaved channels in the input.
    public let channels: Int
    /// Whether the denoiser's delay is removed (see the type's documentation).
    public let compensatesDelay: Bool

    private let hop: Int
    private let frameBytes: Int
    private let skip: Int
    private let carry: UnsafeMutableRawPointer      // one incomplete input sample frame
    private var carried = 0
    private let mono: UnsafeMutablePointer<Float>   // [hop]
    private let raw: UnsafeMutablePointer<Float>    // [rawCapacity]
    private let encoded: UnsafeMutableRawPointer    // [rawCapacity × bytesPerSample]
    private var rawProduced = 0

    /// Sample frames received (per channel).
    public private(set) var inputFrames = 0
    /// Mono samples emitted.
    public private(set) var outputFrames = 0

    /// Prepares a stream over `denoiser` (which is reset).
    /// - Throws: `HushError.invalidConfiguration` for a channel count outside 1…64.
    public init(denoiser: Denoiser, format: PCMSampleFormat, channels: Int,
                compensatesDelay: Bool = true) throws(HushError) {
        guard (1...64).contains(channels) else {
            throw .invalidConfiguration("channels \(channels) outside 1…64")
        }
        self.denoiser = denoiser
        self.format = format
        self.channels = channels
        self.compensatesDelay = compensatesDelay
        hop = denoiser.configuration.hop
        frameBytes = channels * format.bytesPerSample
        skip = compensatesDelay ? denoiser.outputDelay : 0
        let rawCapacity = max(hop, denoiser.maximumFinishCount)
        carry = .allocate(byteCount: frameBytes, alignment: 16)
        mono = .allocate(capacity: hop)
        mono.initialize(repeating: 0, count: hop)
        raw = .allocate(capacity: rawCapacity)
        raw.initialize(repeating: 0, count: rawCapacity)
        encoded = .allocate(byteCount: rawCapacity * format.bytesPerSample, alignment: 16)
        denoiser.reset()
    }

    deinit {
        carry.deallocate()
        mono.deallocate()
        raw.deallocate()
        encoded.deallocate()
    }

    /// Bytes of one input sample frame (all channels).
    public var inputFrameBytes: Int { frameBytes }

    /// Bytes held back because they do not complete a sample frame yet.
    public var carriedBytes: Int { carried }

    /// Pushes input bytes; hands every encoded output chunk to `emit`.
    /// - Parameters:
    ///   - onFrame: called after each STFT frame with the seconds the denoiser took for it.
    ///   - emit: writes an output chunk; returns false to stop (the reader went away).
    /// - Returns: false when `emit` asked to stop.
    public func push(_ bytes: UnsafeRawBufferPointer, onFrame: (Double) -> Void,
                     emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        var offset = 0
        if carried > 0 {
            let take = min(frameBytes - carried, bytes.count)
            (carry + carried).copyMemory(from: base, byteCount: take)
            carried += take
            offset = take
            if carried < frameBytes { return true }
            carried = 0
            if !run(UnsafeRawPointer(carry), frames: 1, onFrame: onFrame, emit: emit) { return false }
        }
        while bytes.count - offset >= frameBytes {
            let available = (bytes.count - offset) / frameBytes
            // End the chunk at the next hop boundary: at most one frame per denoiser call.
            let frames = min(available, hop - inputFrames % hop)
            if !run(base + offset, frames: frames, onFrame: onFrame, emit: emit) { return false }
            offset += frames * frameBytes
        }
        let rest = bytes.count - offset
        if rest > 0 {
            carry.copyMemory(from: base + offset, byteCount: rest)
            carried = rest
        }
        return true
    }

    /// Ends the stream: drops an incomplete trailing sample frame (returned as a byte count),
    /// drains the denoiser and emits the remaining output.
    @discardableResult
    public func finish(onFrame: (Double) -> Void, emit: (UnsafeRawBufferPointer) -> Bool) -> Int {
        let dropped = carried
        carried = 0
        let clock = ContinuousClock()
        while true {
            let start = clock.now
            // Capacity is maximumFinishCount, so this cannot throw.
            let n = (try? denoiser.finishOneFrame(into: UnsafeMutableBufferPointer(start: raw, count: hop))) ?? 0
            if n == 0 { break }
            onFrame((clock.now - start).seconds)
            if !emitWindow(count: n, emit: emit) { break }
        }
        return dropped
    }

    /// Decodes `frames` sample frames, runs them through the denoiser, emits what comes out.
    private func run(_ source: UnsafeRawPointer, frames: Int, onFrame: (Double) -> Void,
                     emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        format.decodeMono(source, frames: frames, channels: channels, into: mono)
        let clock = ContinuousClock()
        let start = clock.now
        // frames ≤ hop − pending, so at most one hop comes out and `raw` (≥ hop) holds it.
        let n = (try? denoiser.process(UnsafeBufferPointer(start: mono, count: frames),
                                       into: UnsafeMutableBufferPointer(start: raw, count: hop))) ?? 0
        inputFrames += frames
        if n > 0 { onFrame((clock.now - start).seconds) }
        return emitWindow(count: n, emit: emit)
    }

    /// Emits the part of `raw[0..<count]` (raw stream indices `rawProduced…`) that falls in the
    /// output window `[skip, skip + inputFrames)`.
    private func emitWindow(count: Int, emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let first = rawProduced
        rawProduced += count
        let from = max(0, skip - first)
        let to = min(count, skip + inputFrames - first)
        guard to > from else { return true }
        format.encode(raw + from, count: to - from, into: encoded)
        outputFrames += to - from
        return emit(UnsafeRawBufferPointer(start: encoded, count: (to - from) * format.bytesPerSample))
    }
}
