import CHush
import Hush
import HushAudio

// The C API declared in include/hush_stream.h: `DenoisePipeline` (what `hush stream` and
// `hush denoise` run) behind C functions. Every function checks its pointers and sizes and
// returns a status; none may trap on bad arguments.

/// One C stream: the pipeline, a scratch block for the caller's const input (the pipeline
/// sanitizes in place), and the latency measured at creation.
final class CStream {
    let pipeline: DenoisePipeline
    let latency: Int
    var finished = false
    let scratch: UnsafeMutableBufferPointer<Float>

    init(pipeline: DenoisePipeline, latency: Int) {
        self.pipeline = pipeline
        self.latency = latency
        scratch = .allocate(capacity: DenoisePipeline.blockFrames)
        scratch.initialize(repeating: 0)
    }

    deinit { scratch.deallocate() }

    /// Samples received but not yet emitted: the most one more call can emit beyond its input.
    var pending: Int { pipeline.inputSamples - pipeline.outputSamples }

    static func from(_ pointer: OpaquePointer?) -> CStream? {
        pointer.map { Unmanaged<CStream>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }

    /// Builds the pipeline of `hush_stream_create` around `denoiser`.
    static func pipeline(_ denoiser: Denoiser, rate: Int, flags: UInt32) throws(HushError) -> DenoisePipeline {
        try DenoisePipeline(denoiser: denoiser, rate: rate,
                            compensatesDelay: flags & StreamFlags.noDelayCompensation == 0,
                            removesDC: flags & StreamFlags.keepDC == 0,
                            fullBand: flags & StreamFlags.noFullBand == 0)
    }

    /// The constant delay that never underruns: the most input ahead of output after any push,
    /// found by pushing one sample at a time through a probe pipeline (emission depends only on
    /// how many samples went in, not on their values or on how they were split; so the probe's
    /// denoiser is a pass-through in the model's framing, and no network runs at creation).
    static func measureLatency(model: Model, rate: Int, flags: UInt32) throws(HushError) -> Int {
        let framing = try Denoiser(configuration: model.configuration.stft, stage: PassThroughStage())
        let probe = try pipeline(framing, rate: rate, flags: flags)
        let one = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)
        defer { one.deallocate() }
        var worst = 0
        for _ in 0..<(2 * rate) {  // two seconds: many periods of the resamplers' block pattern
            one[0] = 0
            _ = probe.push(one, onFrame: { _ in }, emit: { _ in true })
            worst = max(worst, probe.inputSamples - probe.outputSamples)
        }
        return worst
    }
}

/// `hush_stream_create` flags.
enum StreamFlags {
    static let keepDC: UInt32 = 1
    static let noFullBand: UInt32 = 2
    static let noDelayCompensation: UInt32 = 4
    static let all: UInt32 = 7
}

/// `hush_status hush_stream_create(const uint8_t *model, size_t model_size, uint32_t rate,
/// unsigned flags, hush_stream **out)`.
@_cdecl("hush_stream_create")
public func hush_stream_create(_ bytes: UnsafePointer<UInt8>?, _ size: UInt, _ rate: UInt32, _ flags: UInt32,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return CStatus.invalidArgument.rawValue }
    out.pointee = nil
    guard flags & ~StreamFlags.all == 0, bytes != nil || size == 0, size <= UInt(Int.max) else {
        return CStatus.invalidArgument.rawValue
    }
    return CStatus.running { () throws(HushError) in
        let model: Model
        if let bytes {
            model = try Model.load(Array(UnsafeBufferPointer(start: bytes, count: Int(size))))
        } else {
            model = try Model.bundled()
        }
        let latency = try CStream.measureLatency(model: model, rate: Int(rate), flags: flags)
        let stream = CStream(pipeline: try CStream.pipeline(try Denoiser(model: model), rate: Int(rate), flags: flags),
                             latency: latency)
        out.pointee = OpaquePointer(Unmanaged.passRetained(stream).toOpaque())
    }
}

/// `void hush_stream_destroy(hush_stream *stream)`.
@_cdecl("hush_stream_destroy")
public func hush_stream_destroy(_ stream: OpaquePointer?) {
    guard let stream else { return }
    Unmanaged<CStream>.fromOpaque(UnsafeRawPointer(stream)).release()
}

/// `size_t hush_stream_max_output(const hush_stream *stream, size_t n)`.
@_cdecl("hush_stream_max_output")
public func hush_stream_max_output(_ stream: OpaquePointer?, _ n: UInt) -> UInt {
    guard let s = CStream.from(stream), !s.finished, n <= UInt(Int.max / 2) else { return 0 }
    return UInt(s.pending) + n  // the output never outgrows the input
}

/// `hush_status hush_stream_process(hush_stream *stream, const float *in, size_t n, float *out,
/// size_t out_capacity, size_t *written)`.
@_cdecl("hush_stream_process")
public func hush_stream_process(_ stream: OpaquePointer?, _ input: UnsafePointer<Float>?, _ n: UInt,
                                _ output: UnsafeMutablePointer<Float>?, _ capacity: UInt,
                                _ written: UnsafeMutablePointer<UInt>?) -> Int32 {
    written?.pointee = 0
    guard let s = CStream.from(stream), !s.finished, let written, input != nil || n == 0,
          n <= UInt(Int.max / 2) else { return CStatus.invalidArgument.rawValue }
    guard capacity >= UInt(s.pending) + n else { return CStatus.bufferTooSmall.rawValue }
    guard n > 0 else { return CStatus.ok.rawValue }
    guard let input, let output else { return CStatus.invalidArgument.rawValue }
    var count = 0
    var offset = 0
    while offset < Int(n) {
        let piece = min(s.scratch.count, Int(n) - offset)
        let block = UnsafeMutableBufferPointer(rebasing: s.scratch[0..<piece])
        _ = block.initialize(from: UnsafeBufferPointer(start: input + offset, count: piece))
        _ = s.pipeline.push(block, onFrame: { _ in }) { chunk in
            (output + count).update(from: chunk.baseAddress!, count: chunk.count)
            count += chunk.count
            return true
        }
        offset += piece
    }
    written.pointee = UInt(count)
    return CStatus.ok.rawValue
}

/// `size_t hush_stream_max_finish(const hush_stream *stream)`.
@_cdecl("hush_stream_max_finish")
public func hush_stream_max_finish(_ stream: OpaquePointer?) -> UInt {
    guard let s = CStream.from(stream), !s.finished else { return 0 }
    return UInt(s.pending)
}

/// `hush_status hush_stream_finish(hush_stream *stream, float *out, size_t out_capacity,
/// size_t *written)`.
@_cdecl("hush_stream_finish")
public func hush_stream_finish(_ stream: OpaquePointer?, _ output: UnsafeMutablePointer<Float>?, _ capacity: UInt,
                               _ written: UnsafeMutablePointer<UInt>?) -> Int32 {
    written?.pointee = 0
    guard let s = CStream.from(stream), !s.finished, let written else { return CStatus.invalidArgument.rawValue }
    guard capacity >= UInt(s.pending) else { return CStatus.bufferTooSmall.rawValue }
    guard s.pending == 0 || output != nil else { return CStatus.invalidArgument.rawValue }
    var count = 0
    s.pipeline.finish(onFrame: { _ in }) { chunk in
        (output! + count).update(from: chunk.baseAddress!, count: chunk.count)
        count += chunk.count
        return true
    }
    s.finished = true
    written.pointee = UInt(count)
    return CStatus.ok.rawValue
}

/// `hush_status hush_stream_set_budget(hush_stream *stream, float budget)`.
@_cdecl("hush_stream_set_budget")
public func hush_stream_set_budget(_ stream: OpaquePointer?, _ budget: Float) -> Int32 {
    guard let network = CStream.from(stream)?.pipeline.denoiser.network else { return CStatus.invalidArgument.rawValue }
    return CStatus.running { () throws(HushError) in try network.setBudget(budget) }
}

/// `hush_status hush_stream_set_attenuation_limit(hush_stream *stream, float db)`.
@_cdecl("hush_stream_set_attenuation_limit")
public func hush_stream_set_attenuation_limit(_ stream: OpaquePointer?, _ dB: Float) -> Int32 {
    guard let network = CStream.from(stream)?.pipeline.denoiser.network else { return CStatus.invalidArgument.rawValue }
    return CStatus.running { () throws(HushError) in try network.setAttenuationLimit(dB) }
}

/// `float hush_stream_get_budget(const hush_stream *stream)`.
@_cdecl("hush_stream_get_budget")
public func hush_stream_get_budget(_ stream: OpaquePointer?) -> Float {
    CStream.from(stream)?.pipeline.denoiser.network?.budget ?? 0
}

/// `float hush_stream_get_attenuation_limit(const hush_stream *stream)`.
@_cdecl("hush_stream_get_attenuation_limit")
public func hush_stream_get_attenuation_limit(_ stream: OpaquePointer?) -> Float {
    CStream.from(stream)?.pipeline.denoiser.network?.attenuationLimit ?? 0
}

/// `hush_status hush_stream_get_last_frame_stats(const hush_stream *stream, hush_frame_stats *stats)`.
@_cdecl("hush_stream_get_last_frame_stats")
public func hush_stream_get_last_frame_stats(_ stream: OpaquePointer?, _ stats: UnsafeMutableRawPointer?) -> Int32 {
    guard let s = CStream.from(stream), let network = s.pipeline.denoiser.network, let stats else {
        return CStatus.invalidArgument.rawValue
    }
    CFrameStats.store(lastFrame: network.lastFrame, budget: network.budget,
                      frames: s.pipeline.denoiser.framesProcessed, into: stats)
    return CStatus.ok.rawValue
}

/// `uint32_t hush_stream_rate(const hush_stream *stream)`.
@_cdecl("hush_stream_rate")
public func hush_stream_rate(_ stream: OpaquePointer?) -> UInt32 {
    CStream.from(stream).map { UInt32($0.pipeline.rate) } ?? 0
}

/// `uint32_t hush_stream_model_rate(const hush_stream *stream)`.
@_cdecl("hush_stream_model_rate")
public func hush_stream_model_rate(_ stream: OpaquePointer?) -> UInt32 {
    CStream.from(stream).map { UInt32($0.pipeline.denoiser.configuration.sampleRate) } ?? 0
}

/// `size_t hush_stream_hop_size(const hush_stream *stream)`.
@_cdecl("hush_stream_hop_size")
public func hush_stream_hop_size(_ stream: OpaquePointer?) -> UInt {
    CStream.from(stream).map { UInt($0.pipeline.denoiser.configuration.hop) } ?? 0
}

/// `size_t hush_stream_latency_samples(const hush_stream *stream)`.
@_cdecl("hush_stream_latency_samples")
public func hush_stream_latency_samples(_ stream: OpaquePointer?) -> UInt {
    CStream.from(stream).map { UInt($0.latency) } ?? 0
}

/// `uint64_t hush_stream_sanitized_samples(const hush_stream *stream)`.
@_cdecl("hush_stream_sanitized_samples")
public func hush_stream_sanitized_samples(_ stream: OpaquePointer?) -> UInt64 {
    CStream.from(stream).map { UInt64($0.pipeline.sanitizedSamples) } ?? 0
}

/// `hush_status hush_downmix(const float *interleaved, size_t frames, unsigned channels,
/// float *mono)`: `Downmix.mono`, the CLI's downmix, for callers that hold whole arrays.
@_cdecl("hush_downmix")
public func hush_downmix(_ interleaved: UnsafePointer<Float>?, _ frames: UInt, _ channels: UInt32,
                         _ mono: UnsafeMutablePointer<Float>?) -> Int32 {
    guard channels > 0, frames <= UInt(Int.max) / UInt(channels) else { return CStatus.invalidArgument.rawValue }
    guard frames > 0 else { return CStatus.ok.rawValue }
    guard let interleaved, let mono else { return CStatus.invalidArgument.rawValue }
    Downmix.mono(UnsafeBufferPointer(start: interleaved, count: Int(frames) * Int(channels)),
                 frames: Int(frames), channels: Int(channels), into: mono)
    return CStatus.ok.rawValue
}
