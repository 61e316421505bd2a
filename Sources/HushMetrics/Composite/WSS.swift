/// Weighted spectral slope distance (Klatt 1982) as `pysepm` 0.1 computes it after Hu &
/// Loizou's composite-measure code: per 30 ms frame (MATLAB `hanning`, 75 % overlap, FFT of the
/// next power of two ≥ 2 frames), the power spectrum through 25 critical-band filters
/// (50 Hz–3.94 kHz, whatever the rate) in dB (floored at −100 dB); the squared difference of
/// the clean and enhanced band-to-band slopes, weighted by each band's distance from the
/// frame's maximum (K_max = 20) and from its nearest spectral peak (K_locmax = 1); the mean over
/// the 95 % of frames with the lowest distance.
public enum WSS {
    static let globalMaxWeight = 20.0
    static let localMaxWeight = 1.0

    /// Mean WSS of `enhanced` against `clean` (0 for identical signals; larger is worse).
    /// - Throws: `.lengthMismatch`, or `.tooShort` for less than one frame.
    public static func distance(clean: [Float], enhanced: [Float],
                                sampleRate: Int) throws(MetricsError) -> Double {
        var distortions: [Double] = []
        // scipy scales the spectrum by 1/Σwindow; the reference undoes it before squaring.
        _ = try CompositeSpectra.bandsPerFrame(
            clean: clean, enhanced: enhanced, sampleRate: sampleRate,
            prepare: { m, scale in for k in m.indices { let v = m[k] / scale; m[k] = v * v } }
        ) { cleanEnergy, enhancedEnergy in
            distortions.append(frameDistance(decibels(cleanEnergy), decibels(enhancedEnergy)))
        }
        return CompositeFraming.lowMean(distortions)
    }

    /// Band energies in dB, floored at −100 dB.
    static func decibels(_ energy: [Double]) -> [Double] {
        energy.map { max(10 * MetricsMath.log10($0), -100) }
    }

    /// One frame's weighted slope distance from the two signals' band levels in dB.
    static func frameDistance(_ clean: [Double], _ enhanced: [Double]) -> Double {
        let cleanWeights = weights(clean), enhancedWeights = weights(enhanced)
        var numerator = 0.0, denominator = 0.0
        for i in 0..<(clean.count - 1) {
            let w = (cleanWeights[i] + enhancedWeights[i]) / 2
            let d = (clean[i + 1] - clean[i]) - (enhanced[i + 1] - enhanced[i])
            numerator += w * (d * d)
            denominator += w
        }
        return numerator / denominator
    }

    /// Klatt's weight of each band's slope: K_max/(K_max + max − level) times
    /// K_locmax/(K_locmax + nearest peak − level).
    static func weights(_ level: [Double]) -> [Double] {
        let slopes = (0..<(level.count - 1)).map { level[$0 + 1] - level[$0] }
        let peaks = nearestPeaks(slopes: slopes, level: level)
        let maximum = level.max() ?? 0
        return slopes.indices.map { i in
            globalMaxWeight / (globalMaxWeight + maximum - level[i])
                * (localMaxWeight / (localMaxWeight + peaks[i] - level[i]))
        }
    }

    /// The level of the peak each band's slope climbs to (rising: up to where the slope stops
    /// rising; falling: back to where it last rose), as the reference's `find_loc_peaks`.
    static func nearestPeaks(slopes: [Double], level: [Double]) -> [Double] {
        slopes.indices.map { i in
            var n = i
            if slopes[i] > 0 {
                while n < level.count - 1 && slopes[n] > 0 { n += 1 }
                return level[n - 1]
            }
            while n >= 0 && slopes[n] <= 0 { n -= 1 }
            return level[n + 1]
        }
    }
}
