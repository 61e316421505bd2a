import Hush

/// Status codes of include/hush.h (`hush_status`).
enum CStatus: Int32, Error {
    case ok = 0
    case invalidArgument = -1
    case invalidModel = -2
    case bufferTooSmall = -3
    case fftUnavailable = -4

    /// The code for an engine error.
    init(_ error: HushError) {
        switch error {
        case .invalidConfiguration: self = .invalidArgument
        case .invalidModel: self = .invalidModel
        case .bufferTooSmall: self = .bufferTooSmall
        case .fftUnavailable: self = .fftUnavailable
        }
    }

    /// The message `hush_status_string` returns: static text, so no allocation and no lifetime.
    static func message(_ code: Int32) -> StaticString {
        switch CStatus(rawValue: code) {
        case .ok: return "ok"
        case .invalidArgument: return "invalid argument (NULL or destroyed state, NULL buffer, value out of range)"
        case .invalidModel: return "invalid model (not a Hush model file, corrupt, or unsupported)"
        case .bufferTooSmall: return "output buffer too small"
        case .fftUnavailable: return "FFTW could not plan the model's FFT"
        case nil: return "unknown status"
        }
    }
}

/// What a `hush_state *` points to: a tag that marks a live state, and the engine. The tag lets
/// a call on a NULL, foreign or destroyed pointer fail with a code on a best-effort basis (a
/// freed block may be reused, so this cannot be a guarantee).
struct CStateBox {
    static let liveTag: UInt64 = 0x4855_5348_4C49_5645  // "HUSHLIVE"
    var tag: UInt64
    var engine: Unmanaged<CEngine>
}

/// The engine behind a C state: the same `Denoiser` every other use of Hush runs.
final class CEngine {
    let denoiser: Denoiser
    let network: GatedNetwork

    init(model: Model) throws(HushError) {
        let denoiser = try Denoiser(model: model)
        guard let network = denoiser.network else { throw .invalidModel("no network") }
        self.denoiser = denoiser
        self.network = network
    }
}

/// Resolves a C state pointer to its engine, or nil for NULL or a pointer without the live tag.
@inline(__always)
func engine(_ state: OpaquePointer?) -> CEngine? {
    guard let state else { return nil }
    let box = UnsafeMutablePointer<CStateBox>(state)
    guard box.pointee.tag == CStateBox.liveTag else { return nil }
    return box.pointee.engine.takeUnretainedValue()
}

/// Largest sample count accepted in one call: far beyond any real buffer, small enough that no
/// size arithmetic (counts × 4 bytes, count + hop) can overflow.
let maximumSampleCount = UInt(Int.max / 16)
