/// The speech-activity detector of P.862's time alignment: per 4 ms window energies, an
/// adaptive noise threshold, and clean-up rules (minimum lengths, joining close bursts, soft
/// onsets). All arithmetic is single precision, as in the reference, because the decisions
/// are thresholds on these sums.
enum PESQVAD {
    static let minimumSpeechWindows = 4
    static let joinGapWindows = 50

    /// Fills `signal.vad` and `signal.logVAD` from `signal.data`.
    static func analyse(_ signal: inout PESQSignal, downsample: Int) {
        let count = signal.samples / downsample
        var vad = [Float](repeating: 0, count: count)
        for w in 0..<count {
            var sum: Float = 0
            for k in 0..<downsample { let g = signal.data[w * downsample + k]; sum += g * g }
            vad[w] = sum / Float(downsample)
        }
        var threshold: Float = 0
        for v in vad { threshold += v }
        threshold /= Float(count)
        var levelMin: Float = 0
        for v in vad where v > levelMin { levelMin = v }
        levelMin = levelMin > 0 ? levelMin * 1.0e-4 : 1
        for w in 0..<count where vad[w] < levelMin { vad[w] = levelMin }

        var levelNoise: Float = 0
        for _ in 0..<12 {
            levelNoise = 0
            var deviation: Float = 0
            var length = 0
            for v in vad where v <= threshold { levelNoise += v; length += 1 }
            if length > 0 {
                levelNoise /= Float(length)
                for v in vad where v <= threshold { let g = v - levelNoise; deviation += g * g }
                deviation = (deviation / Float(length)).squareRoot()
            }
            threshold = 1.001 * (levelNoise + 2 * deviation)
        }
        levelNoise = 0
        var levelSignal: Float = 0
        var length = 0
        for v in vad {
            if v > threshold { levelSignal += v; length += 1 } else { levelNoise += v }
        }
        if length > 0 { levelSignal /= Float(length) } else { threshold = -1 }
        levelNoise = length < count ? levelNoise / Float(count - length) : 1

        // Inactive windows are negated, so the sign carries the decision and |v| the energy.
        for w in 0..<count where vad[w] <= threshold { vad[w] = -vad[w] }
        vad[0] = -levelMin
        vad[count - 1] = -levelMin

        // Bursts of at most 4 windows are not speech.
        var start = 0
        for w in 1..<count {
            if vad[w] > 0 && vad[w - 1] <= 0 { start = w }
            if vad[w] <= 0 && vad[w - 1] > 0 && w - start <= minimumSpeechWindows {
                for i in start..<w { vad[i] = -vad[i] }
            }
        }
        // With a high SNR, weak bursts (under three times the threshold) are not speech either.
        if levelSignal >= levelNoise * 1000 {
            for w in 1..<count {
                if vad[w] > 0 && vad[w - 1] <= 0 { start = w }
                if vad[w] <= 0 && vad[w - 1] > 0 {
                    var g: Float = 0
                    for i in start..<w { g += vad[i] }
                    if g < 3 * threshold * Float(w - start) {
                        for i in start..<w { vad[i] = -vad[i] }
                    }
                }
            }
        }
        // Gaps of at most 50 windows (200 ms) between bursts are bridged.
        start = 0
        var finish = 0
        for w in 1..<count {
            if vad[w] > 0 && vad[w - 1] <= 0 {
                start = w
                if finish > 0 && start - finish <= joinGapWindows {
                    for i in finish..<start { vad[i] = levelMin }
                }
            }
            if vad[w] <= 0 && vad[w - 1] > 0 { finish = w }
        }
        // No onset at all: treat everything as active rather than find no speech.
        start = 0
        for w in 1..<count where vad[w] > 0 && vad[w - 1] <= 0 { start = w }
        if start == 0 {
            for w in 0..<count { vad[w] = abs(vad[w]) }
            vad[0] = -levelMin
            vad[count - 1] = -levelMin
        }
        // Soft edges: two windows of ramp before each onset and after each offset.
        var w = 3
        while w < count - 2 {
            if vad[w] > 0 && vad[w - 2] <= 0 {
                vad[w - 2] = vad[w] * 0.1
                vad[w - 1] = vad[w] * 0.3
                w += 1
            }
            if vad[w] <= 0 && vad[w - 1] > 0 {
                vad[w] = vad[w - 1] * 0.3
                vad[w + 1] = vad[w - 1] * 0.1
                w += 3
            }
            w += 1
        }
        for i in 0..<count where vad[i] < 0 { vad[i] = 0 }
        if threshold <= 0 { threshold = levelMin }
        signal.logVAD = vad.map { $0 <= threshold ? 0 : Float(MetricsMath.log(Double($0 / threshold))) }
        signal.vad = vad
    }
}
