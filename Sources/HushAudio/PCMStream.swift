import Hush

/// Raw PCM bytes in, denoised raw PCM bytes out: the engine of `hush stream`, kept apart from
/// file descriptors so it can be tested (and its allocations counted) in memory.
///
/// Bytes may arrive in any split, even mid-sample: an incomplete sample frame is carried to the
/// next push. Several channels are averaged to mono; the output is mono, in the input's encoding
/// and at the input's rate. The samples go through a `DenoisePipeline`, the same path as
/// `hush denoise`, so the output carries the same samples as the file path (resampling and delay
/// compensation included; see there). After `init` nothing here allocates (with resampling,
/// libsoxr's own first-call and flush allocations aside; Tests/HushAudioTests/PCMStreamTests
/// counts it).
public final class PCMStream {
    /// The samples' path: resampling, denoising, delay compensation.
    public let pipeline: DenoisePipeline
    /// The denoiser doing the work (the same engine as every other use: never forked).
    public var denoiser: Denoiser { pipeline.denoiser }
    /// Encoding of input and output.
    public let format: PCMSampleFormat
    /// Interleaved channels in the input.
    public let channels: Int
    /// Rate of input and output, Hz.
    public var rate: Int { pipeline.rate }
    /// Whether the denoiser's delay is removed (see `DenoisePipeline`).
    public var compensatesDelay: Bool { pipeline.compensatesDelay }
    /// Model-rate samples dropped from the start of the denoiser's output by delay compensation.
    public var skippedSamples: Int { pipeline.skippedSamples }

    private let hop: Int
    private let frameBytes: Int
    private let carry: UnsafeMutableRawPointer      // one incomplete input sample frame
    private var carried = 0
    private let mono: UnsafeMutableBufferPointer<Float>   // [hop], decoded input
    private let encoded: UnsafeMutableRawPointer    // [pipeline.maximumEmitCount samples]
    private var quantizer = SampleQuantizer(bits: 16)

    /// Sample frames received (per channel).
    public var inputFrames: Int { pipeline.inputSamples }
    /// Mono samples emitted.
    public var outputFrames: Int { pipeline.outputSamples }

    /// Prepares a stream over `denoiser` (which is reset), at `rate` (default: the model's).
    /// - Throws: `HushError.invalidConfiguration` for a channel count outside 1…64 or a rate
    ///   outside `SupportedRates.range`.
    public init(denoiser: Denoiser, format: PCMSampleFormat, channels: Int, rate: Int? = nil,
                compensatesDelay: Bool = true, removesDC: Bool = true, fullBand: Bool = true) throws(HushError) {
        guard (1...64).contains(channels) else {
            throw .invalidConfiguration("channels \(channels) outside 1…64")
        }
        pipeline = try DenoisePipeline(denoiser: denoiser, rate: rate, compensatesDelay: compensatesDelay,
                                       removesDC: removesDC, fullBand: fullBand)
        self.format = format
        self.channels = channels
        hop = denoiser.configuration.hop
        frameBytes = channels * format.bytesPerSample
        carry = .allocate(byteCount: frameBytes, alignment: 16)
        mono = .allocate(capacity: hop)
        mono.initialize(repeating: 0)
        let capacity = pipeline.maximumEmitCount * format.bytesPerSample
        encoded = .allocate(byteCount: capacity, alignment: 16)
        encoded.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
    }

    deinit {
        carry.deallocate()
        mono.deallocate()
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
    /// drains the pipeline and emits the remaining output.
    @discardableResult
    public func finish(onFrame: (Double) -> Void, emit: (UnsafeRawBufferPointer) -> Bool) -> Int {
        let dropped = carried
        carried = 0
        pipeline.finish(onFrame: onFrame) { encode($0, emit: emit) }
        return dropped
    }

    /// Input samples replaced because they were NaN, infinite or absurdly large.
    public var sanitizedSamples: Int { pipeline.sanitizedSamples }

    /// Output samples clipped to full scale by the 16-bit encoding.
    public var clippedSamples: Int { quantizer.clippedSamples }

    /// Decodes `frames` (≤ hop) sample frames and sends them through the pipeline.
    private func run(_ source: UnsafeRawPointer, frames: Int, onFrame: (Double) -> Void,
                     emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        format.decodeMono(source, frames: frames, channels: channels, into: mono.baseAddress!)
        return pipeline.push(UnsafeMutableBufferPointer(rebasing: mono[0..<frames]), onFrame: onFrame) {
            encode($0, emit: emit)
        }
    }

    /// Encodes output samples and emits them.
    private func encode(_ samples: UnsafeBufferPointer<Float>, emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        format.encode(samples.baseAddress!, count: samples.count, into: encoded, quantizer: &quantizer)
        return emit(UnsafeRawBufferPointer(start: encoded, count: samples.count * format.bytesPerSample))
    }
}
