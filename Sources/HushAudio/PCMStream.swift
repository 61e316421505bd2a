import Hush

/// Raw PCM bytes in, denoised raw PCM bytes out: the engine of `hush stream`, kept apart from
/// file descriptors so it can be tested (and its allocations counted) in memory.
///
/// Bytes may arrive in any split, even mid-sample: an incomplete sample frame is carried to the
/// next push. Several channels are averaged to mono; the output is mono, in the input's encoding
/// and at the input's rate. A rate other than the model's is converted to it and back with
/// libsoxr's streaming API (`StreamResampler`, one per direction, created once). Each chunk handed
/// to the `Denoiser` ends at most at a hop boundary, so one call runs at most one STFT frame and
/// every frame can be timed and reported on its own.
///
/// Delay compensation (the default) drops the first `outputDelay` samples of the denoiser's output
/// stream (at the model rate, before converting back, as `hush denoise` does) and flushes the
/// tail at the end, so that output sample k lines up with input sample k, exactly as
/// `hush denoise` writes it at the model rate. Without it
/// the raw stream (input delayed by `outputDelay`) comes out; either way the output has exactly as
/// many samples as the input. After `init` nothing here allocates. With resampling, libsoxr
/// allocates its filters in its first call and some buffers when flushing at the end, but
/// nothing in the steady state in between (Tests/HushAudioTests/PCMStreamTests counts it).
public final class PCMStream {
    /// The denoiser doing the work (the same engine as every other use: never forked).
    public let denoiser: Denoiser
    /// Encoding of input and output.
    public let format: PCMSampleFormat
    /// Interleaved channels in the input.
    public let channels: Int
    /// Rate of input and output, Hz.
    public let rate: Int
    /// Whether the denoiser's delay is removed (see the type's documentation).
    public let compensatesDelay: Bool
    /// Model-rate samples dropped from the start of the denoiser's output by delay compensation.
    public let skippedSamples: Int

    private let hop: Int
    private let frameBytes: Int
    private let upsampler: StreamResampler?     // stream rate → model rate
    private let downsampler: StreamResampler?   // model rate → stream rate
    private let carry: UnsafeMutableRawPointer      // one incomplete input sample frame
    private var carried = 0
    private let mono: UnsafeMutablePointer<Float>   // [hop], decoded input
    private let modelScratch: UnsafeMutableBufferPointer<Float>  // upsampler output
    private let raw: UnsafeMutablePointer<Float>    // [hop], one frame of denoiser output
    private let outScratch: UnsafeMutableBufferPointer<Float>    // downsampler output
    private let encoded: UnsafeMutableRawPointer    // [encodedCapacity samples]
    private let encodedCapacity: Int
    private var modelSamplesIn = 0
    private var modelSamplesOut = 0
    private var streamProduced = 0

    /// Sample frames received (per channel).
    public private(set) var inputFrames = 0
    /// Mono samples emitted.
    public private(set) var outputFrames = 0

    /// Prepares a stream over `denoiser` (which is reset), at `rate` (default: the model's).
    /// - Throws: `HushError.invalidConfiguration` for a channel count outside 1…64 or a rate
    ///   outside 1000…384000 Hz.
    public init(denoiser: Denoiser, format: PCMSampleFormat, channels: Int, rate: Int? = nil,
                compensatesDelay: Bool = true) throws(HushError) {
        guard (1...64).contains(channels) else {
            throw .invalidConfiguration("channels \(channels) outside 1…64")
        }
        let modelRate = denoiser.configuration.sampleRate
        let rate = rate ?? modelRate
        guard (1000...384_000).contains(rate) else {
            throw .invalidConfiguration("rate \(rate) Hz outside 1000…384000")
        }
        self.denoiser = denoiser
        self.format = format
        self.channels = channels
        self.rate = rate
        self.compensatesDelay = compensatesDelay
        hop = denoiser.configuration.hop
        frameBytes = channels * format.bytesPerSample
        if rate != modelRate {
            upsampler = try StreamResampler(from: rate, to: modelRate)
            downsampler = try StreamResampler(from: modelRate, to: rate)
        } else {
            upsampler = nil
            downsampler = nil
        }
        skippedSamples = compensatesDelay ? denoiser.outputDelay : 0
        carry = .allocate(byteCount: frameBytes, alignment: 16)
        mono = .allocate(capacity: hop)
        mono.initialize(repeating: 0, count: hop)
        let modelCapacity = upsampler?.outputCapacity(forInputCount: hop) ?? 0
        modelScratch = .allocate(capacity: modelCapacity)
        modelScratch.initialize(repeating: 0)
        raw = .allocate(capacity: hop)
        raw.initialize(repeating: 0, count: hop)
        let outCapacity = downsampler?.outputCapacity(forInputCount: hop) ?? 0
        outScratch = .allocate(capacity: outCapacity)
        outScratch.initialize(repeating: 0)
        encodedCapacity = max(hop, outCapacity)
        encoded = .allocate(byteCount: encodedCapacity * format.bytesPerSample, alignment: 16)
        encoded.initializeMemory(as: UInt8.self, repeating: 0, count: encodedCapacity * format.bytesPerSample)
        denoiser.reset()
    }

    deinit {
        carry.deallocate()
        mono.deallocate()
        modelScratch.deallocate()
        raw.deallocate()
        outScratch.deallocate()
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
            let frames = min((bytes.count - offset) / frameBytes, hop)
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
    /// drains the resampler and the denoiser, and emits the remaining output, padded with zeros
    /// if the resamplers' rounding left it short of the input's length.
    @discardableResult
    public func finish(onFrame: (Double) -> Void, emit: (UnsafeRawBufferPointer) -> Bool) -> Int {
        let dropped = carried
        carried = 0
        if let upsampler {
            let going = upsampler.process(nil, scratch: modelScratch) { model in
                denoise(model, onFrame: onFrame, emit: emit)
            }
            if !going { return dropped }
        }
        let clock = ContinuousClock()
        while true {
            let start = clock.now
            // Room for one hop, which is all one frame writes, so this cannot throw.
            let n = (try? denoiser.finishOneFrame(into: UnsafeMutableBufferPointer(start: raw, count: hop))) ?? 0
            if n == 0 { break }
            onFrame((clock.now - start).seconds)
            if !toStream(UnsafeBufferPointer(start: raw, count: n), emit: emit) { return dropped }
        }
        if let downsampler {
            let going = downsampler.process(nil, scratch: outScratch) { emitWindow($0, emit: emit) }
            if !going { return dropped }
            // Pad with silence up to the input's length (zeros from the cleared scratch).
            raw.update(repeating: 0, count: hop)
            while streamProduced < inputFrames {
                let missing = min(hop, inputFrames - streamProduced)
                if !emitWindow(UnsafeBufferPointer(start: raw, count: missing), emit: emit) { break }
            }
        }
        return dropped
    }

    /// Decodes `frames` (≤ hop) sample frames and sends them on at the model rate.
    private func run(_ source: UnsafeRawPointer, frames: Int, onFrame: (Double) -> Void,
                     emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        format.decodeMono(source, frames: frames, channels: channels, into: mono)
        inputFrames += frames
        let samples = UnsafeBufferPointer(start: mono, count: frames)
        guard let upsampler else { return denoise(samples, onFrame: onFrame, emit: emit) }
        return upsampler.process(samples, scratch: modelScratch) { model in
            denoise(model, onFrame: onFrame, emit: emit)
        }
    }

    /// Pushes model-rate samples into the denoiser in pieces that end at hop boundaries, so each
    /// call runs at most one frame, and sends what comes out to the stream.
    private func denoise(_ samples: UnsafeBufferPointer<Float>, onFrame: (Double) -> Void,
                         emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let clock = ContinuousClock()
        var offset = 0
        while offset < samples.count {
            let piece = min(samples.count - offset, hop - modelSamplesIn % hop)
            let start = clock.now
            // piece ≤ hop − pending, so at most one hop comes out and `raw` (hop) holds it.
            let n = (try? denoiser.process(UnsafeBufferPointer(rebasing: samples[offset..<(offset + piece)]),
                                           into: UnsafeMutableBufferPointer(start: raw, count: hop))) ?? 0
            modelSamplesIn += piece
            offset += piece
            if n > 0 {
                onFrame((clock.now - start).seconds)
                if !toStream(UnsafeBufferPointer(start: raw, count: n), emit: emit) { return false }
            }
        }
        return true
    }

    /// Drops the compensated delay from the denoiser's output (model rate), converts the rest back
    /// to the stream's rate if needed, and emits it.
    private func toStream(_ samples: UnsafeBufferPointer<Float>, emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let first = modelSamplesOut
        modelSamplesOut += samples.count
        let from = min(samples.count, max(0, skippedSamples - first))
        let kept = UnsafeBufferPointer(rebasing: samples[from...])
        guard let downsampler else { return emitWindow(kept, emit: emit) }
        return downsampler.process(kept, scratch: outScratch) { emitWindow($0, emit: emit) }
    }

    /// Emits the part of `samples` (stream indices `streamProduced…`) that falls in the output
    /// window `[0, inputFrames)`: the output never outgrows the input.
    private func emitWindow(_ samples: UnsafeBufferPointer<Float>, emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let first = streamProduced
        streamProduced += samples.count
        let from = 0
        let to = min(samples.count, inputFrames - first)
        guard to > from, let base = samples.baseAddress else { return true }
        var start = from
        while start < to {
            let n = min(to - start, encodedCapacity)
            format.encode(base + start, count: n, into: encoded)
            outputFrames += n
            if !emit(UnsafeRawBufferPointer(start: encoded, count: n * format.bytesPerSample)) { return false }
            start += n
        }
        return true
    }
}
