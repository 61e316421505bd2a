import Hush

/// Status codes of include/hush.h (`hush_status`), shared with include/hush_stream.h's target.
public enum CStatus: Int32, Error {
    case ok = 0
    case invalidArgument = -1
    case invalidModel = -2
    case bufferTooSmall = -3
    case fftUnavailable = -4

    /// The code for an engine error.
    public init(_ error: HushError) {
        switch error {
        case .invalidConfiguration: self = .invalidArgument
        case .invalidModel: self = .invalidModel
        case .bufferTooSmall: self = .bufferTooSmall
        case .fftUnavailable: self = .fftUnavailable
        }
    }

    /// Runs `body` and returns its status: `.ok` when it returns, the engine error's code when
    /// it throws. The closure is non-escaping, so this allocates nothing.
    @inline(__always)
    public static func running(_ body: () throws(HushError) -> Void) -> Int32 {
        do {
            try body()
            return CStatus.ok.rawValue
        } catch {
            return CStatus(error).rawValue
        }
    }

    /// The message `hush_status_string` returns: static text, so no allocation and no lifetime.
    static func message(_ code: Int32) -> StaticString {
        switch CStatus(rawValue: code) {
        case .ok: return "ok"
        case .invalidArgument: return "invalid argument (NULL or destroyed state, NULL buffer, value out of range)"
        case .invalidModel: return "invalid model (not a Hush model file, corrupt, or unsupported)"
        case .bufferTooSmall: return "buffer too small (output samples, or the memory given to hush_model_init/hush_init)"
        case .fftUnavailable: return "the model's FFT size is not available (FFTW plan, or the portable FFT's powers of two)"
        case nil: return "unknown status"
        }
    }
}

/// Resolves a C state pointer to the denoiser it points to, or nil for NULL, a misaligned
/// pointer or one without the live tag. The tag lets a call on a foreign or destroyed pointer
/// fail with a code on a best-effort basis (freed memory may be reused: not a guarantee).
@inline(__always)
func denoiser(_ state: OpaquePointer?) -> UnsafeMutablePointer<DenoiserState>? {
    guard let state, UInt(bitPattern: state) % UInt(Arena.alignment) == 0 else { return nil }
    let p = UnsafeMutablePointer<DenoiserState>(state)
    return p.pointee.tag == DenoiserState.liveTag ? p : nil
}

/// Resolves a C model pointer (`hush_model *`) to the loaded model, or nil (as `denoiser`).
@inline(__always)
func loadedModel(_ model: OpaquePointer?) -> UnsafePointer<ModelImage>? {
    guard let model, UInt(bitPattern: model) % UInt(Arena.alignment) == 0 else { return nil }
    let p = UnsafePointer<ModelImage>(model)
    return p.pointee.tag == ModelImage.liveTag ? p : nil
}

/// The bytes of a model file argument: the caller's, or the bundled model's for (NULL, 0).
func modelFile(_ bytes: UnsafePointer<UInt8>?, _ size: UInt) -> Result<ModelFile, CStatus> {
    let raw: UnsafeRawBufferPointer
    if bytes == nil && size == 0 {
        raw = Model.bundledFileBytes
    } else {
        guard let bytes, size > 0, size <= maximumSampleCount else { return .failure(.invalidArgument) }
        raw = UnsafeRawBufferPointer(start: bytes, count: Int(size))
    }
    do throws(HushError) {
        return .success(try ModelFile(bytes: raw))
    } catch {
        return .failure(CStatus(error))
    }
}

/// Largest sample count accepted in one call: far beyond any real buffer, small enough that no
/// size arithmetic (counts × 4 bytes, count + hop) can overflow.
let maximumSampleCount = UInt(Int.max / 16)

/// Writing one `hush_frame_stats` field by field at its C offsets, for both C APIs.
extension CFrameStats {
    /// Stores a network's last frame and budget after `frames` frames (before any frame only the
    /// dense count and the budget are non-zero).
    public static func store(lastFrame last: FrameStatistics, budget: Float, frames: Int,
                             into stats: UnsafeMutableRawPointer) {
        let ran = frames > 0
        stats.storeBytes(of: UInt64(last.denseMACs), toByteOffset: 0, as: UInt64.self)
        stats.storeBytes(of: ran ? UInt64(last.executedMACs) : 0, toByteOffset: 8, as: UInt64.self)
        stats.storeBytes(of: ran ? last.activeFraction : 0, toByteOffset: 16, as: Float.self)
        stats.storeBytes(of: budget, toByteOffset: 20, as: Float.self)
        stats.storeBytes(of: UInt64(frames), toByteOffset: 24, as: UInt64.self)
        stats.storeBytes(of: ran ? last.speechProbability : -1, toByteOffset: 32, as: Float.self)
    }
}
