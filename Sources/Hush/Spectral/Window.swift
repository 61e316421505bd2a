/// Window tables for analysis and weighted overlap-add synthesis, written into caller buffers
/// (no allocation: they are filled at init, inside the state's arena).
enum WindowTables {
    /// Periodic square-root Hann window of length `n`, into `w`.
    static func sqrtHann(_ n: Int, into w: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            let hann = 0.5 - 0.5 * LibM.cos(2 * Double.pi * Double(i) / Double(n))
            w[i] = Float(hann.squareRoot())
        }
    }

    /// Synthesis window that makes analysis·synthesis overlap-add to exactly one: the analysis
    /// window divided by Σₖ w²[(n mod hop) + k·hop], and by the FFT length because FFTW's inverse
    /// transform is unnormalised. Each sum is accumulated in increasing k, as it always was.
    static func synthesis(analysis w: UnsafePointer<Float>, count n: Int, hop: Int,
                          into s: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            var overlapSum = 0.0
            var j = i % hop
            while j < n {
                overlapSum += Double(w[j]) * Double(w[j])
                j += hop
            }
            s[i] = Float(Double(w[i]) / (overlapSum * Double(n)))
        }
    }
}
