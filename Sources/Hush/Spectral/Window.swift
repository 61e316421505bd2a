/// Window tables for analysis and weighted overlap-add synthesis.
enum WindowTables {
    /// Periodic square-root Hann window of length `n`.
    static func sqrtHann(_ n: Int) -> [Float] {
        (0..<n).map { i in
            let hann = 0.5 - 0.5 * LibM.cos(2 * Double.pi * Double(i) / Double(n))
            return Float(hann.squareRoot())
        }
    }

    /// Synthesis window that makes analysis·synthesis overlap-add to exactly one: the analysis
    /// window divided by Σₖ w²[(n mod hop) + k·hop], and by the FFT length because FFTW's inverse
    /// transform is unnormalised.
    static func synthesis(analysis w: [Float], hop: Int) -> [Float] {
        let n = w.count
        var overlapSum = [Double](repeating: 0, count: hop)
        for i in 0..<n { overlapSum[i % hop] += Double(w[i]) * Double(w[i]) }
        return (0..<n).map { i in Float(Double(w[i]) / (overlapSum[i % hop] * Double(n))) }
    }
}
