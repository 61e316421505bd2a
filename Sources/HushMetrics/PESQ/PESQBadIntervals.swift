/// Re-alignment of bad intervals (P.862 §10.5.2): runs of frames with a large disturbance
/// are re-aligned by envelope cross-correlation within ±4 frames; a frame keeps the smaller
/// of its old and new disturbances, so a delay the utterance alignment missed is not scored
/// as distortion.
extension PESQPerceptualModel {
    func realignBadIntervals(reference: [Float], degraded: [Float], maxSamples: Int,
                             utterances: PESQUtterances, stopFrame: Int,
                             refDensity: [Float], degDensity: inout [Float],
                             frameDisturbance: inout [Float],
                             asymmetricDisturbance: inout [Float]) throws(MetricsError) {
        let sb = rate.searchBuffer, pad = rate.dataPadding, nf = rate.frameLength, hop = nf / 2

        // The degraded signal shifted by each utterance's delay, sample by sample.
        let nn = pad + maxSamples
        var tweaked = [Float](repeating: 0, count: nn)
        for i in sb..<(nn - sb) {
            var j = i + utterances.delay(atReferenceSample: i, downsample: rate.downsample)
            j = min(max(j, sb), nn - sb - 1)
            tweaked[i] = degraded[j]
        }

        var bad = (0...stopFrame).map { frameDisturbance[$0] > Self.badFrameThreshold }
        bad[0] = false
        // A frame is bad if bad frames lie within 2 frames on both sides (closing small gaps).
        var smeared = [Bool](repeating: false, count: stopFrame + 1)
        var frame = Self.smearRange
        while frame < stopFrame - Self.smearRange {
            let left = (frame - Self.smearRange...frame).contains { bad[$0] }
            let right = (frame...frame + Self.smearRange).contains { bad[$0] }
            smeared[frame] = left && right
            frame += 1
        }
        var intervals: [(start: Int, stop: Int)] = []
        frame = 0
        while frame <= stopFrame {
            while frame <= stopFrame && !smeared[frame] { frame += 1 }
            guard frame <= stopFrame else { break }
            let start = frame
            while frame <= stopFrame && smeared[frame] { frame += 1 }
            // An interval still open at the last frame is dropped, as in the reference.
            if frame <= stopFrame && frame - start >= Self.minimumBadFrames {
                intervals.append((start, frame))
            }
        }
        guard !intervals.isEmpty else { return }

        let searchRange = 4 * nf
        var realigned = tweaked
        for interval in intervals {
            let startSample = interval.start * hop + sb
            let stopSample = interval.stop * hop + nf + sb
            let length = stopSample - startSample
            var ref = [Float](repeating: 0, count: 2 * searchRange + length)
            for i in 0..<length { ref[searchRange + i] = reference[startSample + i] }
            var deg = [Float](repeating: 0, count: 2 * searchRange + length)
            let limit = maxSamples - sb + pad
            for i in deg.indices {
                let j = min(max(startSample - searchRange + i, sb), limit - 1)
                deg[i] = tweaked[j]
            }
            var (delay, correlation) = try envelopeDelay(ref, deg, searchRange: searchRange)
            if correlation < 0.5 { delay = 0 }
            for i in startSample..<stopSample {
                let j = min(max(i + delay, 0), maxSamples - 1)
                realigned[i] = tweaked[j]
            }
        }

        var power = [Float](repeating: 0, count: nf / 2)
        for interval in intervals {
            for frame in interval.start..<interval.stop {
                try bandPower(realigned, at: sb + frame * hop, into: &degDensity, frame: frame, power: &power)
            }
            var gain = FrameGain()
            for frame in interval.start..<interval.stop {
                let (d, a, _) = frameDisturbances(&degDensity, refDensity, frame: frame, gain: &gain)
                frameDisturbance[frame] = min(frameDisturbance[frame], d)
                asymmetricDisturbance[frame] = min(asymmetricDisturbance[frame], a)
            }
        }
    }

    /// The lag within ±`searchRange` maximising the normalised correlation of |x1| and |x2|
    /// (rectified signals, so envelopes rather than waveforms are compared), and that
    /// correlation.
    func envelopeDelay(_ x1: [Float], _ x2: [Float], searchRange: Int) throws(MetricsError) -> (Int, Float) {
        let n = x1.count
        let size = nextPowerOfTwo(2 * n)
        let power1 = powerOf(x1, 0, n, n) * Double(n) / Double(size)
        let power2 = powerOf(x2, 0, n, n) * Double(n) / Double(size)
        let normalization = (power1 * power2).squareRoot()
        if power1 <= 1e-6 || power2 <= 1e-6 { return (0, 0) }
        let a = x1.map { abs($0) }, b = x2.map { abs($0) }
        var fa: [Float] = [], fb: [Float] = []
        try a.withUnsafeBufferPointer { (p) throws(MetricsError) in try fft.forward(p.baseAddress!, count: n, size: size, into: &fa) }
        try b.withUnsafeBufferPointer { (p) throws(MetricsError) in try fft.forward(p.baseAddress!, count: n, size: size, into: &fb) }
        var y = [Float](repeating: 0, count: size + 2)
        let inverseSize = Float(size)
        for k in 0...(size / 2) {
            let ar = fa[2 * k] / inverseSize, ai = fa[2 * k + 1] / inverseSize
            y[2 * k] = ar * fb[2 * k] + ai * fb[2 * k + 1]
            y[2 * k + 1] = -ai * fb[2 * k] + ar * fb[2 * k + 1]
        }
        var r: [Float] = []
        try fft.inverse(y, size: size, into: &r)
        var best = 0
        var maximum: Float = 0
        for i in -searchRange..<searchRange {
            let h = Double(abs(r[i < 0 ? i + size : i])) / normalization
            if abs(h) > Double(maximum) { maximum = Float(abs(h)); best = i }
        }
        return (best, maximum)
    }
}
