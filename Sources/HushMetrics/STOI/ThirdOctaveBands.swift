/// The 15 one-third-octave bands STOI groups FFT bins into, from 150 Hz upward.
struct ThirdOctaveBands {
    /// FFT bin ranges, one per band (the upper edge bin excluded, as in pystoi).
    let ranges: [Range<Int>]

    init(sampleRate: Int, fftSize: Int, bandCount: Int = 15, lowestCentre: Double = 150) {
        let binCount = fftSize / 2 + 1
        // pystoi spaces fftSize + 1 points over [0, fs] (not fs/2 per bin), so bin k is at
        // k·fs/fftSize: the same grid.
        let frequencies = (0..<binCount).map { Double($0) * Double(sampleRate) / Double(fftSize) }
        func nearestBin(_ f: Double) -> Int {
            var best = 0
            for k in frequencies.indices where abs(frequencies[k] - f) < abs(frequencies[best] - f) {
                best = k
            }
            return best
        }
        ranges = (0..<bandCount).map { k in
            let low = lowestCentre * MetricsMath.pow(2, Double(2 * k - 1) / 6)
            let high = lowestCentre * MetricsMath.pow(2, Double(2 * k + 1) / 6)
            return nearestBin(low)..<max(nearestBin(low), nearestBin(high))
        }
    }
}
