/// Utterance splitting (P.862 §10.4.4): an utterance of at least 800 ms of speech is tried
/// at up to 40 break points; if the parts before and after the best break point each align
/// with more confidence than the whole did, and with delays at least one window apart, the
/// utterance becomes two. Repeats while utterances keep splitting.
extension PESQAlignment {
    struct Split {
        var delayEstimate1 = 0, delay1 = 0, confidence1: Float = 0
        var delayEstimate2 = 0, delay2 = 0, confidence2: Float = 0
        var breakPoint = 0
    }

    mutating func splitUtterances() throws(MetricsError) {
        let ds = rate.downsample, sbw = Self.searchWindows
        var u = 0
        while u < utterances.count && utterances.count < PESQUtterances.capacity {
            let start = utterances.start[u], end = utterances.end[u]
            var speechStart = start
            while speechStart < end && reference.vad[speechStart] <= 0 { speechStart += 1 }
            var speechEnd = end
            while speechEnd > start && reference.vad[speechEnd] <= 0 { speechEnd -= 1 }
            speechEnd += 1
            guard speechEnd - speechStart >= 200 else { u += 1; continue }
            let confidence = utterances.delayConfidence[u]
            let best = try bestSplit(start: start, speechStart: speechStart, speechEnd: speechEnd, end: end,
                                     delayEstimate: utterances.delayEstimate[u], confidence: confidence)
            guard best.confidence1 > confidence && best.confidence2 > confidence else { u += 1; continue }
            var step = utterances.count - 1
            while step > u {
                utterances.delayEstimate[step + 1] = utterances.delayEstimate[step]
                utterances.delay[step + 1] = utterances.delay[step]
                utterances.delayConfidence[step + 1] = utterances.delayConfidence[step]
                utterances.start[step + 1] = utterances.start[step]
                utterances.end[step + 1] = utterances.end[step]
                // The reference copies the utterance bounds (not the search bounds) here.
                utterances.searchStart[step + 1] = utterances.start[step]
                utterances.searchEnd[step + 1] = utterances.end[step]
                step -= 1
            }
            utterances.count += 1
            utterances.delayEstimate[u] = best.delayEstimate1
            utterances.delay[u] = best.delay1
            utterances.delayConfidence[u] = best.confidence1
            utterances.delayEstimate[u + 1] = best.delayEstimate2
            utterances.delay[u + 1] = best.delay2
            utterances.delayConfidence[u + 1] = best.confidence2
            utterances.searchStart[u + 1] = utterances.searchStart[u]
            utterances.searchEnd[u + 1] = utterances.searchEnd[u]
            utterances.start[u] = start
            utterances.end[u + 1] = end
            if best.delay2 < best.delay1 {
                utterances.end[u] = best.breakPoint
                utterances.start[u + 1] = best.breakPoint
            } else {
                utterances.end[u] = best.breakPoint + (best.delay2 - best.delay1) / (2 * ds)
                utterances.start[u + 1] = best.breakPoint - (best.delay2 - best.delay1) / (2 * ds)
            }
            if (utterances.start[u] - sbw) * ds + best.delay1 < 0 {
                utterances.start[u] = sbw + (ds - 1 - best.delay1) / ds
            }
            if utterances.end[u + 1] * ds + best.delay2 > degraded.samples - sbw * ds {
                utterances.end[u + 1] = (degraded.samples - best.delay2) / ds - sbw
            }
        }
        utterances.updateLargestSize()
    }

    /// Tries the break points of one utterance; returns the best accepted split (confidences
    /// stay 0 when none is accepted).
    private mutating func bestSplit(start: Int, speechStart: Int, speechEnd: Int, end: Int,
                                    delayEstimate: Int, confidence: Float) throws(MetricsError) -> Split {
        let n = rate.alignNfft, ds = rate.downsample
        let length = speechEnd - speechStart
        let delta = n / (4 * ds)
        let step = Int((0.801 * Double(length) + Double(40 * delta) - 1) / Double(40 * delta)) * delta
        let pad = max(length / 10, 75)
        var breakPoints = [speechStart + pad]
        repeat {
            breakPoints.append(breakPoints[breakPoints.count - 1] + step)
        } while breakPoints[breakPoints.count - 1] <= speechEnd - pad && breakPoints.count - 1 < 40
        let count = breakPoints.count - 1
        var best = Split()
        guard count > 0 else { return best }

        let s = PESQUtterances.scratch
        var estimate1 = [Int](repeating: 0, count: count), estimate2 = estimate1
        for bp in 0..<count {
            utterances.delayEstimate[s] = delayEstimate
            utterances.searchStart[s] = start
            utterances.searchEnd[s] = breakPoints[bp]
            try crudeAlign(.scratch)
            estimate1[bp] = utterances.delay[s]
            utterances.delayEstimate[s] = delayEstimate
            utterances.searchStart[s] = breakPoints[bp]
            utterances.searchEnd[s] = end
            try crudeAlign(.scratch)
            estimate2[bp] = utterances.delay[s]
        }

        // Before each break point: histograms are accumulated forward from the utterance start
        // and shared by consecutive break points with the same coarse delay.
        var delay1 = [Int](repeating: 0, count: count)
        var confidence1 = [Float](repeating: -2, count: count)
        var histogram = [Float](repeating: 0, count: n)
        var values = [Float](repeating: 0, count: n)
        while let first = confidence1.firstIndex(where: { $0 <= -2 }) {
            let estimate = estimate1[first]
            for i in 0..<n { histogram[i] = 0 }
            var total: Float = 0
            var startr = start * ds
            var startd = startr + estimate
            if startd < 0 { startr = -estimate; startd = 0 }
            var bp = first
            while true {
                while startd + n <= degraded.samples && startr + n <= breakPoints[bp] * ds {
                    try vote(startr, startd, &histogram, &total, &values)
                    startr += n / 4
                    startd += n / 4
                }
                let (lag, height) = peakLag(histogram)
                delay1[bp] = estimate + lag
                confidence1[bp] = total > 0 ? height / total : 0
                // Move on to the next break point sharing this estimate that is still open.
                var next = bp + 1
                while next < count && !(estimate1[next] == estimate && confidence1[next] <= -2) { next += 1 }
                if next >= count { break }
                bp = next
            }
        }

        // After each break point: accumulated backward from the utterance end.
        var delay2 = [Int](repeating: 0, count: count)
        var confidence2 = (0..<count).map { confidence1[$0] > confidence ? Float(-2) : 0 }
        while let last = confidence2.lastIndex(where: { $0 <= -2 }) {
            let estimate = estimate2[last]
            for i in 0..<n { histogram[i] = 0 }
            var total: Float = 0
            var startr = end * ds - n
            var startd = startr + estimate
            if startd + n > degraded.samples {
                startd = degraded.samples - n
                startr = startd - estimate
            }
            var bp = last
            while true {
                while startd >= 0 && startr >= breakPoints[bp] * ds {
                    try vote(startr, startd, &histogram, &total, &values)
                    startr -= n / 4
                    startd -= n / 4
                }
                let (lag, height) = peakLag(histogram)
                delay2[bp] = estimate + lag
                confidence2[bp] = total > 0 ? height / total : 0
                var next = bp - 1
                while next >= 0 && !(estimate2[next] == estimate && confidence2[next] <= -2) { next -= 1 }
                if next < 0 { break }
                bp = next
            }
        }

        for bp in 0..<count
        where abs(delay2[bp] - delay1[bp]) >= ds
            && confidence1[bp] + confidence2[bp] > best.confidence1 + best.confidence2
            && confidence1[bp] > confidence && confidence2[bp] > confidence {
            best = Split(delayEstimate1: estimate1[bp], delay1: delay1[bp], confidence1: confidence1[bp],
                         delayEstimate2: estimate2[bp], delay2: delay2[bp], confidence2: confidence2[bp],
                         breakPoint: breakPoints[bp])
        }
        return best
    }

    /// One frame's votes, spread by a triangle of half-width n/64 (the split search smooths
    /// while voting instead of afterwards).
    private func vote(_ startr: Int, _ startd: Int, _ histogram: inout [Float], _ total: inout Float,
                      _ values: inout [Float]) throws(MetricsError) {
        let n = rate.alignNfft, kernel = n / 64
        let threshold = try frameCorrelation(startr, startd, into: &values)
        let weight = Float(MetricsMath.pow(Double(threshold), 0.125)) / Float(kernel)
        for i in 0..<n where values[i] > threshold {
            total += weight * Float(kernel)
            for k in (1 - kernel)..<kernel {
                histogram[(i + k + n) % n] += weight * (Float(kernel) - Float(abs(k)))
            }
        }
    }
}
