import Hush

// The C API declared in include/hush.h. Every function validates its pointers and sizes and
// returns a status; none may trap. Nothing here allocates except hush_get_size and hush_create.

/// `const char *hush_status_string(int status)`.
@_cdecl("hush_status_string")
public func hush_status_string(_ status: Int32) -> UnsafePointer<CChar> {
    UnsafeRawPointer(CStatus.message(status).utf8Start).assumingMemoryBound(to: CChar.self)
}

/// `const char *hush_version(void)`.
@_cdecl("hush_version")
public func hush_version() -> UnsafePointer<CChar> {
    let version: StaticString = "0.1.0"
    return UnsafeRawPointer(version.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Loads the bundled model (NULL, 0) or the caller's bytes.
private func loadModel(_ bytes: UnsafePointer<UInt8>?, _ size: UInt) -> Result<Model, CStatus> {
    do throws(HushError) {
        if bytes == nil && size == 0 { return .success(try Model.bundled()) }
        guard let bytes, size > 0, size <= maximumSampleCount else { return .failure(.invalidArgument) }
        return .success(try Model(bytes: UnsafeRawBufferPointer(start: bytes, count: Int(size))))
    } catch {
        return .failure(CStatus(error))
    }
}

/// Heap bytes on top of the engine's buffers (`MemoryFootprint`), for the worst case, the first
/// state of a process. Measured for the bundled model with glibc's mallinfo2 (examples/c): a
/// second state takes the engine buffers plus well under 1 KB (object headers, the state box,
/// FFTW's two plans); the first one also makes FFTW and the Swift runtime build process-wide
/// tables (twiddle factors, planner, type metadata), about 220 KB that stay until exit. The C
/// example fails if hush_create ever takes more than hush_get_size; Tests/CHushTests checks the
/// peak (model loader temporaries included) in a warm process.
let fixedAllowance = 256 * 1024

/// `size_t hush_get_size(const uint8_t *model, size_t model_size)`.
@_cdecl("hush_get_size")
public func hush_get_size(_ model: UnsafePointer<UInt8>?, _ size: UInt) -> UInt {
    guard case .success(let loaded) = loadModel(model, size) else { return 0 }
    return UInt(MemoryFootprint(configuration: loaded.configuration).total + fixedAllowance)
}

/// `hush_status hush_create(const uint8_t *model, size_t model_size, hush_state **out)`.
@_cdecl("hush_create")
public func hush_create(_ model: UnsafePointer<UInt8>?, _ size: UInt,
                        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return CStatus.invalidArgument.rawValue }
    out.pointee = nil
    let loaded: Model
    switch loadModel(model, size) {
    case .success(let m): loaded = m
    case .failure(let status): return status.rawValue
    }
    let engine: CEngine
    do throws(HushError) {
        engine = try CEngine(model: loaded)
    } catch {
        return CStatus(error).rawValue
    }
    let box = UnsafeMutablePointer<CStateBox>.allocate(capacity: 1)
    box.initialize(to: CStateBox(tag: CStateBox.liveTag, engine: .passRetained(engine)))
    out.pointee = OpaquePointer(box)
    return CStatus.ok.rawValue
}

/// `void hush_destroy(hush_state *state)`.
@_cdecl("hush_destroy")
public func hush_destroy(_ state: OpaquePointer?) {
    guard let state, engine(state) != nil else { return }
    let box = UnsafeMutablePointer<CStateBox>(state)
    box.pointee.tag = 0
    box.pointee.engine.release()
    box.deinitialize(count: 1)
    box.deallocate()
}

/// `size_t hush_max_output(const hush_state *state, size_t n)`.
@_cdecl("hush_max_output")
public func hush_max_output(_ state: OpaquePointer?, _ n: UInt) -> UInt {
    guard let e = engine(state), n <= maximumSampleCount else { return 0 }
    return UInt(e.denoiser.outputCount(forInputCount: Int(n)))
}

/// `hush_status hush_process(hush_state *, const float *in, size_t n, float *out, size_t cap,
/// size_t *written)`.
@_cdecl("hush_process")
public func hush_process(_ state: OpaquePointer?, _ input: UnsafePointer<Float>?, _ n: UInt,
                         _ output: UnsafeMutablePointer<Float>?, _ capacity: UInt,
                         _ written: UnsafeMutablePointer<UInt>?) -> Int32 {
    written?.pointee = 0
    guard let e = engine(state), let written, n <= maximumSampleCount, capacity <= maximumSampleCount,
          input != nil || n == 0, output != nil || capacity == 0 else {
        return CStatus.invalidArgument.rawValue
    }
    do throws(HushError) {
        let count = try e.denoiser.process(UnsafeBufferPointer(start: input, count: Int(n)),
                                           into: UnsafeMutableBufferPointer(start: output, count: Int(capacity)))
        written.pointee = UInt(count)
        return CStatus.ok.rawValue
    } catch {
        return CStatus(error).rawValue
    }
}

/// `size_t hush_max_flush(const hush_state *state)`.
@_cdecl("hush_max_flush")
public func hush_max_flush(_ state: OpaquePointer?) -> UInt {
    guard let e = engine(state) else { return 0 }
    return UInt(e.denoiser.maximumFinishCount)
}

/// `hush_status hush_flush(hush_state *, float *out, size_t cap, size_t *written)`.
@_cdecl("hush_flush")
public func hush_flush(_ state: OpaquePointer?, _ output: UnsafeMutablePointer<Float>?, _ capacity: UInt,
                       _ written: UnsafeMutablePointer<UInt>?) -> Int32 {
    written?.pointee = 0
    guard let e = engine(state), let written, capacity <= maximumSampleCount,
          output != nil || capacity == 0 else {
        return CStatus.invalidArgument.rawValue
    }
    do throws(HushError) {
        let count = try e.denoiser.finish(into: UnsafeMutableBufferPointer(start: output, count: Int(capacity)))
        written.pointee = UInt(count)
        e.denoiser.reset()
        return CStatus.ok.rawValue
    } catch {
        return CStatus(error).rawValue
    }
}

/// `hush_status hush_set_budget(hush_state *state, float budget)`.
@_cdecl("hush_set_budget")
public func hush_set_budget(_ state: OpaquePointer?, _ budget: Float) -> Int32 {
    guard let e = engine(state) else { return CStatus.invalidArgument.rawValue }
    do throws(HushError) {
        try e.network.setBudget(budget)
        return CStatus.ok.rawValue
    } catch {
        return CStatus(error).rawValue
    }
}

/// `float hush_get_budget(const hush_state *state)`.
@_cdecl("hush_get_budget")
public func hush_get_budget(_ state: OpaquePointer?) -> Float {
    engine(state)?.network.budget ?? 0
}

/// `hush_frame_stats` of include/hush.h, for Swift callers (tests). The C entry point writes the
/// fields at their C offsets explicitly rather than relying on Swift's struct layout.
public struct CFrameStats {
    public var denseMACs: UInt64       // offset 0
    public var executedMACs: UInt64    // offset 8
    public var activeFraction: Float   // offset 16
    public var budget: Float           // offset 20
    public var frames: UInt64          // offset 24; 32 bytes in all

    public init(denseMACs: UInt64 = 0, executedMACs: UInt64 = 0, activeFraction: Float = 0,
                budget: Float = 0, frames: UInt64 = 0) {
        self.denseMACs = denseMACs
        self.executedMACs = executedMACs
        self.activeFraction = activeFraction
        self.budget = budget
        self.frames = frames
    }
}

/// `hush_status hush_get_last_frame_stats(const hush_state *, hush_frame_stats *)`.
@_cdecl("hush_get_last_frame_stats")
public func hush_get_last_frame_stats(_ state: OpaquePointer?, _ stats: UnsafeMutableRawPointer?) -> Int32 {
    guard let e = engine(state), let stats else { return CStatus.invalidArgument.rawValue }
    let frames = e.denoiser.framesProcessed
    let last = e.network.lastFrame
    let ran = frames > 0
    stats.storeBytes(of: UInt64(last.denseMACs), toByteOffset: 0, as: UInt64.self)
    stats.storeBytes(of: ran ? UInt64(last.executedMACs) : 0, toByteOffset: 8, as: UInt64.self)
    stats.storeBytes(of: ran ? last.activeFraction : 0, toByteOffset: 16, as: Float.self)
    stats.storeBytes(of: e.network.budget, toByteOffset: 20, as: Float.self)
    stats.storeBytes(of: UInt64(frames), toByteOffset: 24, as: UInt64.self)
    return CStatus.ok.rawValue
}

/// `hush_status hush_reset(hush_state *state)`.
@_cdecl("hush_reset")
public func hush_reset(_ state: OpaquePointer?) -> Int32 {
    guard let e = engine(state) else { return CStatus.invalidArgument.rawValue }
    e.denoiser.reset()
    return CStatus.ok.rawValue
}

/// `uint32_t hush_sample_rate(const hush_state *state)`.
@_cdecl("hush_sample_rate")
public func hush_sample_rate(_ state: OpaquePointer?) -> UInt32 {
    engine(state).map { UInt32($0.denoiser.configuration.sampleRate) } ?? 0
}

/// `size_t hush_hop_size(const hush_state *state)`.
@_cdecl("hush_hop_size")
public func hush_hop_size(_ state: OpaquePointer?) -> UInt {
    engine(state).map { UInt($0.denoiser.configuration.hop) } ?? 0
}

/// `size_t hush_output_delay(const hush_state *state)`.
@_cdecl("hush_output_delay")
public func hush_output_delay(_ state: OpaquePointer?) -> UInt {
    engine(state).map { UInt($0.denoiser.outputDelay) } ?? 0
}

/// `size_t hush_latency_samples(const hush_state *state)`.
@_cdecl("hush_latency_samples")
public func hush_latency_samples(_ state: OpaquePointer?) -> UInt {
    engine(state).map { UInt($0.denoiser.configuration.latencySamples) } ?? 0
}
