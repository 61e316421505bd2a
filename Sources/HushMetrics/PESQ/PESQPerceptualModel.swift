/// The perceptual model and cognitive model of P.862 (§10.2, §10.5): frames of 32 ms with
/// 50% overlap, Bark spectra, partial frequency and gain compensation, loudness, symmetric and
/// asymmetric disturbance per frame, re-alignment of bad intervals, then Lp aggregation over
/// syllables (20 frames) and time. Returns the raw PESQ score.
struct PESQPerceptualModel {
    static let silenceOfFiveSamples: Float = 500
    static let badFrameThreshold: Float = 30
    static let smearRange = 2
    static let minimumBadFrames = 5

    let rate: PESQRate
    let fft: PESQFFT
    let spectrum: PESQBarkSpectrum
    let window: [Float]

    init(rate: PESQRate, fft: PESQFFT) {
        self.rate = rate
        self.fft = fft
        spectrum = PESQBarkSpectrum(bands: rate.bands)
        window = periodicHann(rate.frameLength)
    }

    /// Raw PESQ of `degraded` (padded to the reference's length) against `reference`, given
    /// the utterance delays found by the alignment.
    func rawScore(reference: [Float], degraded: [Float], maxSamples: Int,
                  utterances: PESQUtterances) throws(MetricsError) -> Float {
        guard utterances.count >= 1 else { throw .noUtterances }
        let sb = rate.searchBuffer, pad = rate.dataPadding, nf = rate.frameLength, hop = nf / 2
        let nb = spectrum.count

        // Leading and trailing silence of the reference is left out of the aggregation.
        var skipStart = 0
        while true {
            var sum: Float = 0
            for i in 0..<5 { sum += abs(reference[sb + skipStart + i]) }
            guard sum < Self.silenceOfFiveSamples, skipStart < maxSamples / 2 else { break }
            skipStart += 1
            if skipStart >= maxSamples / 2 { break }
        }
        var skipEnd = 0
        while true {
            var sum: Float = 0
            for i in 0..<5 { sum += abs(reference[maxSamples - sb + pad - 1 - skipEnd - i]) }
            guard sum < Self.silenceOfFiveSamples, skipEnd < maxSamples / 2 else { break }
            skipEnd += 1
            if skipEnd >= maxSamples / 2 { break }
        }
        let startFrame = skipStart / hop
        let stopFrame = (maxSamples - 2 * sb + pad - skipEnd) / hop - 1
        guard stopFrame >= 0 else { throw .tooShort(samples: maxSamples - 2 * sb, needed: nf) }
        let frames = stopFrame + 1

        var refDensity = [Float](repeating: 0, count: frames * nb)
        var degDensity = [Float](repeating: 0, count: frames * nb)
        var silent = [Bool](repeating: false, count: frames)
        var power = [Float](repeating: 0, count: nf / 2)
        for frame in 0..<frames {
            let refStart = sb + frame * hop
            try bandPower(reference, at: refStart, into: &refDensity, frame: frame, power: &power)
            let degStart = refStart + utterances.delay(atReferenceSample: refStart, downsample: rate.downsample)
            if degStart > 0 && degStart + nf < maxSamples + pad {
                try bandPower(degraded, at: degStart, into: &degDensity, frame: frame, power: &power)
            } else {
                for b in 0..<nb { degDensity[frame * nb + b] = 0 }
            }
            silent[frame] = refDensity.withUnsafeBufferPointer {
                spectrum.audiblePower($0.baseAddress! + frame * nb, factor: 1e2)
            } < 1e7
        }

        // Partial compensation of the system's frequency response, measured on speech frames.
        let averagingFrames = (maxSamples - 2 * sb + pad) / hop - 1
        let refAverage = averageAudible(refDensity, silent: silent, frames: frames, divisor: averagingFrames)
        let degAverage = averageAudible(degDensity, silent: silent, frames: frames, divisor: averagingFrames)
        for b in 0..<nb {
            var x = (degAverage[b] + 1000) / (refAverage[b] + 1000)
            x = min(max(x, 0.01), 100)
            for frame in 0..<frames { refDensity[frame * nb + b] *= x }
        }

        var frameDisturbance = [Float](repeating: 0, count: frames)
        var asymmetricDisturbance = [Float](repeating: 0, count: frames)
        var referencePower = [Float](repeating: 0, count: frames)
        var anyBadFrame = false
        var scale = FrameGain()
        for frame in 0..<frames {
            let (d, a, refPower) = frameDisturbances(&degDensity, refDensity, frame: frame, gain: &scale)
            frameDisturbance[frame] = d
            asymmetricDisturbance[frame] = a
            referencePower[frame] = refPower
            if d > Self.badFrameThreshold { anyBadFrame = true }
        }

        // Frames lost to a negative delay jump (the degraded signal skipped ahead) are not scored.
        for u in 1..<max(utterances.count, 1) where u < utterances.count {
            var first = ((utterances.start[u] - 75) * rate.downsample + utterances.delay[u]) / hop
            let previousEnd = ((utterances.end[u - 1] - 75) * rate.downsample + utterances.delay[u - 1]) / hop
            let jump = utterances.delay[u] - utterances.delay[u - 1]
            first = max(min(first, previousEnd), 0)
            if jump < -hop {
                let last = ((utterances.start[u] - 75) * rate.downsample + max(0, abs(jump))) / hop + 1
                var frame = first
                while frame <= last {
                    if frame < stopFrame {
                        frameDisturbance[frame] = 0
                        asymmetricDisturbance[frame] = 0
                    }
                    frame += 1
                }
            }
        }

        if anyBadFrame {
            try realignBadIntervals(reference: reference, degraded: degraded, maxSamples: maxSamples,
                                    utterances: utterances, stopFrame: stopFrame,
                                    refDensity: refDensity, degDensity: &degDensity,
                                    frameDisturbance: &frameDisturbance,
                                    asymmetricDisturbance: &asymmetricDisturbance)
        }

        // Later frames weigh more in long files (memory effect), up to ×2 for the last.
        var timeWeight = [Float](repeating: 1, count: frames)
        if frames > 1000 {
            let n = (maxSamples - 2 * sb) / hop - 1
            var factor = Double((Float(n) - 1000) / 5500)
            if factor > 0.5 { factor = 0.5 }
            for frame in 0..<frames {
                timeWeight[frame] = Float((1 - factor) + factor * Double(frame) / Double(n))
            }
        }
        for frame in 0..<frames {
            let h = Float(MetricsMath.pow(Double(referencePower[frame] + 1e5) / 1e7, 0.04))
            frameDisturbance[frame] = min(frameDisturbance[frame] / h, 45)
            asymmetricDisturbance[frame] = min(asymmetricDisturbance[frame] / h, 45)
        }
        let d = Self.lpqWeight(startFrame, stopFrame, syllablePower: 6, timePower: 2, frameDisturbance, timeWeight)
        let a = Self.lpqWeight(startFrame, stopFrame, syllablePower: 6, timePower: 2, asymmetricDisturbance, timeWeight)
        return Float(4.5 - 0.1 * Double(d) - 0.0309 * Double(a))
    }

    /// Bark pitch power density of the frame of `signal` starting at `start`.
    func bandPower(_ signal: [Float], at start: Int, into density: inout [Float], frame: Int,
                   power: inout [Float]) throws(MetricsError) {
        try signal.withUnsafeBufferPointer { (p) throws(MetricsError) in
            try fft.windowedPower(p.baseAddress! + start, window: window, into: &power)
        }
        density.withUnsafeMutableBufferPointer { spectrum.warp(power, into: $0.baseAddress! + frame * spectrum.count) }
    }

    /// Per band, the density averaged over all frames (counting only loud, non-silent ones).
    private func averageAudible(_ density: [Float], silent: [Bool], frames: Int, divisor: Int) -> [Float] {
        let nb = spectrum.count
        return (0..<nb).map { b in
            var result = 0.0
            for frame in 0..<frames where !silent[frame] {
                let h = density[frame * nb + b]
                if Double(h) > 100 * spectrum.bands.absoluteThreshold[b] { result += Double(h) }
            }
            return Float(result / Double(divisor))
        }
    }

    /// The degraded frame's gain compensation, smoothed over time (a first-order filter).
    struct FrameGain {
        var old: Float = 1

        mutating func next(referencePower: Float, degradedPower: Float, frame: Int) -> Float {
            var scale = (referencePower + 5e3) / (degradedPower + 5e3)
            if frame > 0 { scale = 0.2 * old + 0.8 * scale }
            old = scale
            return min(max(scale, 3e-4), 5)
        }
    }

    /// Compensates the degraded frame's gain, then returns the frame's symmetric and
    /// asymmetric disturbance and the reference's audible power.
    func frameDisturbances(_ degDensity: inout [Float], _ refDensity: [Float], frame: Int,
                           gain: inout FrameGain) -> (Float, Float, Float) {
        let nb = spectrum.count
        return refDensity.withUnsafeBufferPointer { refBuffer in
            degDensity.withUnsafeMutableBufferPointer { degBuffer in
                let ref = refBuffer.baseAddress! + frame * nb
                let deg = degBuffer.baseAddress! + frame * nb
                let refPower = spectrum.audiblePower(ref, factor: 1)
                let degPower = spectrum.audiblePower(deg, factor: 1)
                let scale = gain.next(referencePower: refPower, degradedPower: degPower, frame: frame)
                for b in 0..<nb { deg[b] *= scale }
                var refLoudness = [Float](repeating: 0, count: nb), degLoudness = refLoudness
                spectrum.loudness(ref, into: &refLoudness)
                spectrum.loudness(deg, into: &degLoudness)
                var d = [Float](repeating: 0, count: nb)
                spectrum.disturbance(reference: refLoudness, degraded: degLoudness, into: &d)
                let symmetric = spectrum.pseudoLp(d, 2)
                spectrum.applyAsymmetry(&d, reference: ref, degraded: deg)
                return (symmetric, spectrum.pseudoLp(d, 1), refPower)
            }
        }
    }

    /// L6 over syllables of 20 frames (hop 10), then a time-weighted L2 over syllables.
    static func lpqWeight(_ startFrame: Int, _ stopFrame: Int, syllablePower: Float, timePower: Float,
                          _ disturbance: [Float], _ timeWeight: [Float]) -> Float {
        var resultTime = 0.0, totalWeight = 0.0
        var syllable = startFrame
        while syllable <= stopFrame {
            var sum = 0.0
            for frame in syllable..<(syllable + 20) where frame <= stopFrame {
                sum += MetricsMath.pow(Double(disturbance[frame]), Double(syllablePower))
            }
            sum /= 20
            sum = MetricsMath.pow(sum, 1 / Double(syllablePower))
            // The reference indexes the weights from the first scored frame, not from frame 0.
            let w = Double(timeWeight[syllable - startFrame])
            resultTime += MetricsMath.pow(w * sum, Double(timePower))
            totalWeight += MetricsMath.pow(w, Double(timePower))
            syllable += 10
        }
        resultTime /= totalWeight
        return Float(MetricsMath.pow(resultTime, Double(1 / timePower)))
    }
}
