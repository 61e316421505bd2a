/// Errors raised by the Hush core. Every failure is a value, never a trap, so that a device
/// integration can report it and keep running.
public enum HushError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range; the string names it and the accepted range.
    case invalidConfiguration(String)
    /// The model file could not be used; the string says which check failed.
    case invalidModel(String)
    /// A caller-supplied buffer is too small: `needed` samples were required, `given` supplied.
    case bufferTooSmall(needed: Int, given: Int)
    /// The real FFT cannot take the requested size (FFTW could not plan it; the portable FFT of
    /// a `HUSH_PORTABLE_FFT` build takes powers of two ≥ 4 only).
    case fftUnavailable(size: Int)

    /// A one-line, human-readable explanation.
    public var description: String {
        switch self {
        case .invalidConfiguration(let what): return "invalid configuration: \(what)"
        case .invalidModel(let what): return "invalid model: \(what)"
        case .bufferTooSmall(let needed, let given):
            return "output buffer too small: \(needed) samples needed, \(given) given"
        case .fftUnavailable(let size):
            #if HUSH_PORTABLE_FFT
            return "the portable FFT takes powers of two ≥ 4, not a real FFT of size \(size)"
            #else
            return "FFTW could not plan a real FFT of size \(size)"
            #endif
        }
    }
}
