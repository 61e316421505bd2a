import Hush

// The C API declared in include/hush.h. Every function validates its pointers and sizes and
// returns a status; none may trap. Nothing here allocates except hush_create (one block) and the
// first init of a process per FFT size (FFTW's shared plans).

/// `const char *hush_status_string(int status)`.
@_cdecl("hush_status_string")
public func hush_status_string(_ status: Int32) -> UnsafePointer<CChar> {
    UnsafeRawPointer(CStatus.message(status).utf8Start).assumingMemoryBound(to: CChar.self)
}

/// `const char *hush_version(void)`.
@_cdecl("hush_version")
public func hush_version() -> UnsafePointer<CChar> {
    UnsafeRawPointer(HushVersion.string.utf8Start).assumingMemoryBound(to: CChar.self)
}

// MARK: caller memory (RNNoise style)

/// `const uint8_t *hush_bundled_model_data(size_t *len)`.
@_cdecl("hush_bundled_model_data")
public func hush_bundled_model_data(_ length: UnsafeMutablePointer<UInt>?) -> UnsafePointer<UInt8>? {
    let bytes = Model.bundledFileBytes
    length?.pointee = UInt(bytes.count)
    return bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
}

/// `size_t hush_model_get_size(const uint8_t *file, size_t len)`.
@_cdecl("hush_model_get_size")
public func hush_model_get_size(_ bytes: UnsafePointer<UInt8>?, _ size: UInt) -> UInt {
    guard case .success(let file) = modelFile(bytes, size),
          let needed = try? ModelImage.requiredBytes(file) else { return 0 }
    return UInt(needed)
}

/// `hush_status hush_model_init(void *memory, size_t size, const uint8_t *file, size_t len,
/// hush_model **out)`.
@_cdecl("hush_model_init")
public func hush_model_init(_ memory: UnsafeMutableRawPointer?, _ size: UInt, _ bytes: UnsafePointer<UInt8>?,
                            _ length: UInt, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return CStatus.invalidArgument.rawValue }
    out.pointee = nil
    guard let memory, size <= UInt(Int.max) else { return CStatus.invalidArgument.rawValue }
    let file: ModelFile
    switch modelFile(bytes, length) {
    case .success(let f): file = f
    case .failure(let status): return status.rawValue
    }
    return CStatus.running { () throws(HushError) in
        out.pointee = OpaquePointer(try ModelImage.initialize(memory: memory, size: Int(size), file: file))
    }
}

/// `size_t hush_state_get_size(const hush_model *model)`.
@_cdecl("hush_state_get_size")
public func hush_state_get_size(_ model: OpaquePointer?) -> UInt {
    guard let m = loadedModel(model) else { return 0 }
    return UInt(DenoiserState.requiredBytes(model: m))
}

/// `hush_status hush_init(void *memory, size_t size, const hush_model *model, float budget,
/// hush_state **out)`.
@_cdecl("hush_init")
public func hush_init(_ memory: UnsafeMutableRawPointer?, _ size: UInt, _ model: OpaquePointer?,
                      _ budget: Float, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return CStatus.invalidArgument.rawValue }
    out.pointee = nil
    guard let memory, size <= UInt(Int.max), let m = loadedModel(model) else {
        return CStatus.invalidArgument.rawValue
    }
    // <= 0 selects the model's default; NaN and values above 1 are refused by the state.
    let chosen: Float? = budget <= 0 ? nil : budget
    return CStatus.running { () throws(HushError) in
        out.pointee = OpaquePointer(try DenoiserState.initialize(memory: memory, size: Int(size), model: m,
                                                                 budget: chosen))
    }
}

// MARK: heap (hush_create), on top of the caller-memory path

/// Heap bytes on top of the model's and the state's arenas, for the worst case, the first
/// state of a process: FFTW's plans for the model's frame length (made once per process and
/// shared by every later state) and the Swift runtime's process-wide tables (type metadata).
/// Measured for the bundled model with glibc's mallinfo2 (examples/c): about 220 KB the first
/// time, nothing beyond the block afterwards. The C example fails if hush_create ever takes more
/// than hush_get_size; Tests/CHushTests checks the peak in a warm process.
let fixedAllowance = 256 * 1024

/// `size_t hush_get_size(const uint8_t *model, size_t model_size)`.
@_cdecl("hush_get_size")
public func hush_get_size(_ model: UnsafePointer<UInt8>?, _ size: UInt) -> UInt {
    guard case .success(let file) = modelFile(model, size),
          let modelBytes = try? ModelImage.requiredBytes(file),
          let stateBytes = try? DenoiserState.requiredBytes(file: file) else { return 0 }
    return UInt(modelBytes + stateBytes + fixedAllowance)
}

/// `hush_status hush_create(const uint8_t *model, size_t model_size, hush_state **out)`:
/// one block holding the model's arena and then the state's, built by hush_model_init and
/// hush_init's code.
@_cdecl("hush_create")
public func hush_create(_ model: UnsafePointer<UInt8>?, _ size: UInt,
                        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return CStatus.invalidArgument.rawValue }
    out.pointee = nil
    let file: ModelFile
    switch modelFile(model, size) {
    case .success(let f): file = f
    case .failure(let status): return status.rawValue
    }
    let modelBytes: Int, stateBytes: Int
    do throws(HushError) {
        modelBytes = try ModelImage.requiredBytes(file)
        stateBytes = try DenoiserState.requiredBytes(file: file)
    } catch {
        return CStatus(error).rawValue
    }
    let block = UnsafeMutableRawPointer.allocate(byteCount: modelBytes + stateBytes, alignment: Arena.alignment)
    do throws(HushError) {
        let image = try ModelImage.initialize(memory: block, size: modelBytes, file: file)
        let state = try DenoiserState.initialize(memory: block + modelBytes, size: stateBytes,
                                                 model: image, budget: nil)
        state.pointee.ownedMemory = block
        out.pointee = OpaquePointer(state)
        return CStatus.ok.rawValue
    } catch {
        block.deallocate()
        return CStatus(error).rawValue
    }
}

/// `void hush_destroy(hush_state *state)`: frees hush_create's block; for a state built by
/// hush_init in caller memory it only marks the state dead (the memory is the caller's).
@_cdecl("hush_destroy")
public func hush_destroy(_ state: OpaquePointer?) {
    guard let s = denoiser(state) else { return }
    s.pointee.tag = 0
    if let block = s.pointee.ownedMemory {
        // The model's arena lies in the same block, before the state: it dies with it.
        let model = UnsafeMutablePointer(mutating: s.pointee.model)
        model.pointee.tag = 0
        block.deallocate()
    }
}

/// `size_t hush_max_output(const hush_state *state, size_t n)`.
@_cdecl("hush_max_output")
public func hush_max_output(_ state: OpaquePointer?, _ n: UInt) -> UInt {
    guard let s = denoiser(state), n <= maximumSampleCount else { return 0 }
    return UInt(s.pointee.stft.pointee.outputCount(forInputCount: Int(n)))
}

/// `hush_status hush_process(hush_state *, const float *in, size_t n, float *out, size_t cap,
/// size_t *written)`.
@_cdecl("hush_process")
public func hush_process(_ state: OpaquePointer?, _ input: UnsafePointer<Float>?, _ n: UInt,
                         _ output: UnsafeMutablePointer<Float>?, _ capacity: UInt,
                         _ written: UnsafeMutablePointer<UInt>?) -> Int32 {
    written?.pointee = 0
    guard let s = denoiser(state), let written, n <= maximumSampleCount, capacity <= maximumSampleCount,
          input != nil || n == 0, output != nil || capacity == 0 else {
        return CStatus.invalidArgument.rawValue
    }
    return CStatus.running { () throws(HushError) in
        let count = try s.pointee.process(UnsafeBufferPointer(start: input, count: Int(n)),
                                           into: UnsafeMutableBufferPointer(start: output, count: Int(capacity)))
        written.pointee = UInt(count)
    }
}

/// `size_t hush_max_flush(const hush_state *state)`.
@_cdecl("hush_max_flush")
public func hush_max_flush(_ state: OpaquePointer?) -> UInt {
    guard let s = denoiser(state) else { return 0 }
    return UInt(s.pointee.stft.pointee.maximumFinishCount)
}

/// `hush_status hush_flush(hush_state *, float *out, size_t cap, size_t *written)`.
@_cdecl("hush_flush")
public func hush_flush(_ state: OpaquePointer?, _ output: UnsafeMutablePointer<Float>?, _ capacity: UInt,
                       _ written: UnsafeMutablePointer<UInt>?) -> Int32 {
    written?.pointee = 0
    guard let s = denoiser(state), let written, capacity <= maximumSampleCount,
          output != nil || capacity == 0 else {
        return CStatus.invalidArgument.rawValue
    }
    return CStatus.running { () throws(HushError) in
        let count = try s.pointee.finish(into: UnsafeMutableBufferPointer(start: output, count: Int(capacity)))
        written.pointee = UInt(count)
        s.pointee.reset()
    }
}

/// `hush_status hush_set_budget(hush_state *state, float budget)`.
@_cdecl("hush_set_budget")
public func hush_set_budget(_ state: OpaquePointer?, _ budget: Float) -> Int32 {
    guard let s = denoiser(state) else { return CStatus.invalidArgument.rawValue }
    return CStatus.running { () throws(HushError) in try s.pointee.network.pointee.setBudget(budget) }
}

/// `float hush_get_budget(const hush_state *state)`.
@_cdecl("hush_get_budget")
public func hush_get_budget(_ state: OpaquePointer?) -> Float {
    denoiser(state)?.pointee.network.pointee.budget ?? 0
}

/// `hush_status hush_set_attenuation_limit(hush_state *state, float db)`.
@_cdecl("hush_set_attenuation_limit")
public func hush_set_attenuation_limit(_ state: OpaquePointer?, _ dB: Float) -> Int32 {
    guard let s = denoiser(state) else { return CStatus.invalidArgument.rawValue }
    return CStatus.running { () throws(HushError) in try s.pointee.network.pointee.setAttenuationLimit(dB) }
}

/// `float hush_get_attenuation_limit(const hush_state *state)`.
@_cdecl("hush_get_attenuation_limit")
public func hush_get_attenuation_limit(_ state: OpaquePointer?) -> Float {
    denoiser(state)?.pointee.network.pointee.attenuationLimit ?? 0
}

/// `hush_frame_stats` of include/hush.h, for Swift callers (tests). The C entry point writes the
/// fields at their C offsets explicitly rather than relying on Swift's struct layout.
public struct CFrameStats {
    public var denseMACs: UInt64       // offset 0
    public var executedMACs: UInt64    // offset 8
    public var activeFraction: Float   // offset 16
    public var budget: Float           // offset 20
    public var frames: UInt64          // offset 24
    public var speechProbability: Float // offset 32; 40 bytes in all (C pads to 8)

    public init(denseMACs: UInt64 = 0, executedMACs: UInt64 = 0, activeFraction: Float = 0,
                budget: Float = 0, frames: UInt64 = 0, speechProbability: Float = 0) {
        self.denseMACs = denseMACs
        self.executedMACs = executedMACs
        self.activeFraction = activeFraction
        self.budget = budget
        self.frames = frames
        self.speechProbability = speechProbability
    }
}

/// `hush_status hush_get_last_frame_stats(const hush_state *, hush_frame_stats *)`.
@_cdecl("hush_get_last_frame_stats")
public func hush_get_last_frame_stats(_ state: OpaquePointer?, _ stats: UnsafeMutableRawPointer?) -> Int32 {
    guard let s = denoiser(state), let stats else { return CStatus.invalidArgument.rawValue }
    let network = s.pointee.network.pointee
    CFrameStats.store(lastFrame: network.lastFrame, budget: network.budget, frames: s.pointee.framesProcessed,
                      into: stats)
    return CStatus.ok.rawValue
}

/// `hush_status hush_reset(hush_state *state)`.
@_cdecl("hush_reset")
public func hush_reset(_ state: OpaquePointer?) -> Int32 {
    guard let s = denoiser(state) else { return CStatus.invalidArgument.rawValue }
    s.pointee.reset()
    return CStatus.ok.rawValue
}

/// `uint32_t hush_sample_rate(const hush_state *state)`.
@_cdecl("hush_sample_rate")
public func hush_sample_rate(_ state: OpaquePointer?) -> UInt32 {
    denoiser(state).map { UInt32($0.pointee.stft.pointee.configuration.sampleRate) } ?? 0
}

/// `size_t hush_hop_size(const hush_state *state)`.
@_cdecl("hush_hop_size")
public func hush_hop_size(_ state: OpaquePointer?) -> UInt {
    denoiser(state).map { UInt($0.pointee.stft.pointee.configuration.hop) } ?? 0
}

/// `size_t hush_output_delay(const hush_state *state)`.
@_cdecl("hush_output_delay")
public func hush_output_delay(_ state: OpaquePointer?) -> UInt {
    denoiser(state).map { UInt($0.pointee.stft.pointee.configuration.outputDelay) } ?? 0
}

/// `size_t hush_latency_samples(const hush_state *state)`.
@_cdecl("hush_latency_samples")
public func hush_latency_samples(_ state: OpaquePointer?) -> UInt {
    denoiser(state).map { UInt($0.pointee.stft.pointee.configuration.latencySamples) } ?? 0
}
