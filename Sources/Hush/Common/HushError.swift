/// Errors raised by the Hush core. Every failure is a value, never a trap, so that a device
/// integration can report it and keep running.
public enum HushError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range; the string names it and the accepted range.
    case invalidConfiguration(String)
    /// The model file could not be used; the string says which check failed.
    case invalidModel(String)
    /// A caller-supplied buffer is too small: `needed` samples were required, `given` supplied.
    case bufferTooSmall(needed: Int, given: Int)
    /// The FFT library could not create a plan for the requested size.
    case fftUnavailable(size: Int)

    /// A one-line, human-readable explanation.
    public var description: String {
        switch self {
        case .invalidConfiguration(let what): return "invalid configuration: \(what)"
        case .invalidModel(let what): return "invalid model: \(what)"
        case .bufferTooSmall(let needed, let given):
            return "output buffer too small: \(needed) samples needed, \(given) given"
        case .fftUnavailable(let size): return "FFTW could not plan a real FFT of size \(size)"
        }
    }
}
