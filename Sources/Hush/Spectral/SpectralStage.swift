/// One frame's worth of spectral processing between analysis and synthesis: the network, or a
/// pass-through. Called once per hop from the streaming STFT; it must not allocate or lock.
public protocol SpectralStage: AnyObject {
    /// Modifies one frame's spectrum in place.
    /// - Parameter spectrum: `bins` complex values, interleaved (re, im), unnormalised FFT scale.
    func process(spectrum: UnsafeMutablePointer<Float>, bins: Int)

    /// Forgets all history so the next frame is treated as the first of a new stream.
    func reset()

    /// The framing this stage was made for (a network: its model's), or nil if any will do.
    /// `Denoiser` refuses any other framing, so a stage never sees a spectrum of the wrong size.
    var requiredConfiguration: STFTConfiguration? { get }
}

extension SpectralStage {
    /// Any framing will do.
    public var requiredConfiguration: STFTConfiguration? { nil }
}

/// A stage that leaves the spectrum untouched, so the STFT pipeline reconstructs its input.
public final class PassThroughStage: SpectralStage {
    /// Creates the stage.
    public init() {}
    /// Does nothing: the spectrum passes through.
    public func process(spectrum: UnsafeMutablePointer<Float>, bins: Int) {}
    /// Nothing to forget.
    public func reset() {}
}
