/// P.862's time alignment (§10.3–10.4): a coarse delay from correlating speech envelopes,
/// per-utterance refinement by a histogram of short-window cross-correlation peaks, and
/// splitting of utterances whose two halves are better explained by two different delays.
struct PESQAlignment {
    /// The minimum utterance length, in VAD windows (200 ms).
    static let minimumUtteranceWindows = 50
    static let searchWindows = 75

    let reference: PESQSignal
    let degraded: PESQSignal
    let rate: PESQRate
    let fft: PESQFFT
    var utterances = PESQUtterances()
    let window: [Float]
    /// The output of the latest envelope correlation and how many of its values the reference
    /// writes to its shared scratch buffer (see `PESQUtteranceSplitting.staleWindow`).
    var lastCorrelation: (values: [Float], count: Int) = ([], 0)
    private let scratch = Scratch()

    /// Buffers reused by every frame correlation (thousands per measurement).
    private final class Scratch {
        private var buffers: ([Float], [Float], [Float], [Float]) = ([], [], [], [])

        func take() -> ([Float], [Float], [Float], [Float]) {
            defer { buffers = ([], [], [], []) }
            return buffers
        }

        func give(_ a: [Float], _ b: [Float], _ c: [Float], _ d: [Float]) { buffers = (a, b, c, d) }
    }

    init(reference: PESQSignal, degraded: PESQSignal, rate: PESQRate, fft: PESQFFT) {
        self.reference = reference
        self.degraded = degraded
        self.rate = rate
        self.fft = fft
        window = periodicHann(rate.alignNfft)
    }

    /// Which delay a coarse alignment estimates.
    enum CoarseTarget { case wholeSignal, utterance(Int), scratch }

    /// Runs the whole alignment: crude delay, utterance search windows, per-utterance crude
    /// and fine delays, utterance boundaries, and splitting.
    mutating func run() {
        crudeAlign(.wholeSignal)
        identifySearchWindows()
        for u in 0..<utterances.count {
            crudeAlign(.utterance(u))
            fineAlign(u)
        }
        identifyUtterances()
        splitUtterances()
    }

    // MARK: coarse alignment

    /// Envelope (log VAD) cross-correlation; the best lag, in samples, goes to the target's slot.
    mutating func crudeAlign(_ target: CoarseTarget) {
        let ds = rate.downsample
        let degradedWindows = degraded.samples / ds
        var nr: Int, nd: Int, startr: Int, startd: Int
        switch target {
        case .wholeSignal:
            nr = reference.samples / ds; nd = degradedWindows; startr = 0; startd = 0
        case .utterance, .scratch:
            let slot: Int, estimate: Int
            if case .utterance(let u) = target {
                slot = u; estimate = utterances.crudeDelayEstimate
            } else {
                slot = PESQUtterances.scratch; estimate = utterances.delayEstimate[slot]
            }
            startr = utterances.searchStart[slot]
            startd = startr + estimate / ds
            if startd < 0 { startr = -estimate / ds; startd = 0 }
            nr = utterances.searchEnd[slot] - startr
            nd = nr
            if startd + nd > degradedWindows { nd = degradedWindows - startd }
        }
        var best = nr - 1
        if nr > 1 && nd > 1 {
            let y = crossCorrelation(reference.logVAD, startr, nr, degraded.logVAD, startd, nd)
            lastCorrelation = (y, nr + nd - 1)
            var maximum: Float = 0
            for i in 0..<(nr + nd - 1) where y[i] > maximum { maximum = y[i]; best = i }
        }
        let lag = (best - nr + 1) * ds
        switch target {
        case .wholeSignal: utterances.crudeDelayEstimate = lag
        case .utterance(let u): utterances.delayEstimate[u] = lag + utterances.crudeDelayEstimate
        case .scratch:
            let s = PESQUtterances.scratch
            utterances.delay[s] = lag + utterances.delayEstimate[s]
        }
    }

    /// Full linear cross-correlation of x1[s1..<s1+n1] and x2[s2..<s2+n2] by FFT; index
    /// n1 − 1 is lag 0.
    private func crossCorrelation(_ x1: [Float], _ s1: Int, _ n1: Int,
                                  _ x2: [Float], _ s2: Int, _ n2: Int) -> [Float] {
        let size = 2 * nextPowerOfTwo(max(n1, n2))
        var a = [Float](repeating: 0, count: size), b = a
        for i in 0..<n1 { a[n1 - 1 - i] = x1[s1 + i] }
        for i in 0..<n2 { b[i] = x2[s2 + i] }
        var fa: [Float] = [], fb: [Float] = [], y: [Float] = []
        circularProduct(a, b, size: size, conjugateFirst: false, spectra: &fa, &fb, into: &y)
        return y
    }

    // MARK: fine alignment

    /// |circular cross-correlation| of Hann-windowed frames of reference and degraded at
    /// `startr`, `startd` into `values`; returns the voting threshold, 0.99 × its peak.
    func frameCorrelation(_ startr: Int, _ startd: Int, window: [Float]? = nil,
                          into values: inout [Float]) -> Float {
        let window = window ?? self.window
        let n = rate.alignNfft
        // Buffers are moved out of the class for the loop: element access through a class
        // property is checked for exclusivity at run time, every time.
        var (x1, x2, f1, f2) = scratch.take()
        defer { scratch.give(x1, x2, f1, f2) }
        if x1.count != n { x1 = [Float](repeating: 0, count: n); x2 = x1 }
        for i in 0..<n {
            x1[i] = reference.data[startr + i] * window[i]
            x2[i] = degraded.data[startd + i] * window[i]
        }
        circularProduct(x1, x2, size: n, conjugateFirst: true, spectra: &f1, &f2, into: &values)
        var peak: Float = 0
        for i in 0..<n {
            values[i] = abs(values[i])
            if values[i] > peak { peak = values[i] }
        }
        return peak * 0.99
    }

    /// Refines utterance `u`'s delay: every 16 ms frame votes (weighted by its peak) for the
    /// lags where its correlation is within 1% of the peak; the vote histogram is smoothed
    /// with a triangle and its maximum is the delay, its height the confidence.
    mutating func fineAlign(_ u: Int) {
        let n = rate.alignNfft, ds = rate.downsample
        let estimate = utterances.delayEstimate[u]
        var histogram = [Float](repeating: 0, count: n)
        var startr = utterances.searchStart[u] * ds
        var startd = startr + estimate
        if startd < 0 { startr = -estimate; startd = 0 }
        var values = [Float](repeating: 0, count: n)
        while startd + n <= degraded.samples && startr + n <= utterances.searchEnd[u] * ds {
            let threshold = frameCorrelation(startr, startd, into: &values)
            let vote = Float(MetricsMath.pow(Double(threshold), 0.125))
            for i in 0..<n where values[i] > threshold { histogram[i] += vote }
            startr += n / 4
            startd += n / 4
        }
        var total: Float = 0
        for h in histogram { total += h }
        let kernel = n / 64
        var triangle = [Float](repeating: 0, count: n)
        triangle[0] = 1
        for c in 1..<kernel {
            triangle[c] = 1 - Float(c) / Float(kernel)
            triangle[n - c] = triangle[c]
        }
        var fh: [Float] = [], ft: [Float] = [], smoothed: [Float] = []
        circularProduct(histogram, triangle, size: n, conjugateFirst: false, spectra: &fh, &ft, into: &smoothed)
        for i in 0..<n { histogram[i] = total > 0 ? abs(smoothed[i]) / total : 0 }
        let (lag, confidence) = peakLag(histogram)
        utterances.delay[u] = estimate + lag
        utterances.delayConfidence[u] = confidence
    }

    /// The histogram's first maximum as a signed lag, and its height.
    func peakLag(_ histogram: [Float]) -> (Int, Float) {
        var best: Float = 0, index = 0
        for i in histogram.indices where histogram[i] > best { best = histogram[i]; index = i }
        if index >= histogram.count / 2 { index -= histogram.count }
        return (index, best)
    }

    /// The circular convolution of `a` and `b` (length `size`), or their circular
    /// cross-correlation when `conjugateFirst`, by FFT: `result` ← IFFT(A·B) or IFFT(conj(A)·B).
    /// `fa` and `fb` are the caller's scratch for the two spectra (interleaved, bins 0…size/2).
    private func circularProduct(_ a: [Float], _ b: [Float], size: Int, conjugateFirst: Bool,
                                 spectra fa: inout [Float], _ fb: inout [Float], into result: inout [Float]) {
        fft.forward(a, into: &fa)
        fft.forward(b, into: &fb)
        multiply(&fa, fb, size: size, conjugateFirst: conjugateFirst)
        fft.inverse(fa, size: size, into: &result)
    }

    /// In place: a ← a·b, or a ← conj(a)·b, on interleaved spectra of bins 0…size/2.
    private func multiply(_ a: inout [Float], _ b: [Float], size: Int, conjugateFirst: Bool) {
        for k in 0...(size / 2) {
            let r1 = a[2 * k], i1 = conjugateFirst ? -a[2 * k + 1] : a[2 * k + 1]
            a[2 * k] = r1 * b[2 * k] - i1 * b[2 * k + 1]
            a[2 * k + 1] = r1 * b[2 * k + 1] + i1 * b[2 * k]
        }
    }

    // MARK: utterances

    /// Speech bursts of the reference in VAD windows (the end is the first inactive window,
    /// or the last window), keeping those of at least 200 ms that fall inside the degraded
    /// signal at the crude delay. The reference code has room for 50; more would overrun it,
    /// here they are dropped.
    private func speechBursts() -> [(start: Int, end: Int)] {
        let ds = rate.downsample
        let windows = reference.samples / ds
        let firstAllowed = Self.minimumUtteranceWindows - utterances.crudeDelayEstimate / ds
        let lastAllowed = (degraded.samples - utterances.crudeDelayEstimate) / ds - Self.minimumUtteranceWindows
        var bursts: [(start: Int, end: Int)] = []
        var speech = false, thisStart = 0
        for w in 0..<windows {
            let v = reference.vad[w]
            if v > 0 && !speech {
                speech = true
                thisStart = w
            }
            if (v == 0 || w == windows - 1) && speech {
                speech = false
                if w - thisStart >= Self.minimumUtteranceWindows && thisStart < lastAllowed && w > firstAllowed
                    && bursts.count < PESQUtterances.capacity {
                    bursts.append((thisStart, w))
                }
            }
        }
        return bursts
    }

    /// Bounds within which each reference utterance is searched for: its burst widened by
    /// the search buffer.
    mutating func identifySearchWindows() {
        let windows = reference.samples / rate.downsample
        let bursts = speechBursts()
        for (u, burst) in bursts.enumerated() {
            utterances.searchStart[u] = max(burst.start - Self.searchWindows, 0)
            utterances.searchEnd[u] = min(burst.end + Self.searchWindows, windows - 1)
        }
        utterances.count = bursts.count
    }

    /// Utterance boundaries: the speech bursts, extended to meet halfway between neighbours,
    /// and clipped so that every utterance, shifted by its delay, stays inside the degraded signal.
    mutating func identifyUtterances() {
        let ds = rate.downsample, sbw = Self.searchWindows
        let windows = reference.samples / ds
        for (u, burst) in speechBursts().enumerated() {
            utterances.start[u] = burst.start
            utterances.end[u] = burst.end
        }
        let n = utterances.count
        guard n > 0 else { return }
        utterances.start[0] = sbw
        utterances.end[n - 1] = windows - sbw
        for k in 1..<n {
            let middle = (utterances.start[k] + utterances.end[k - 1]) / 2
            utterances.start[k] = middle
            utterances.end[k - 1] = middle
        }
        if utterances.start[0] * ds + utterances.delay[0] < sbw * ds {
            utterances.start[0] = sbw + (ds - 1 - utterances.delay[0]) / ds
        }
        let lastEnd = utterances.end[n - 1] * ds + utterances.delay[n - 1]
        if lastEnd > degraded.samples - sbw * ds {
            utterances.end[n - 1] = (degraded.samples - utterances.delay[n - 1]) / ds - sbw
        }
        for k in 1..<n {
            let thisStart = utterances.start[k] * ds + utterances.delay[k]
            let lastEnd = utterances.end[k - 1] * ds + utterances.delay[k - 1]
            if thisStart < lastEnd {
                let middle = (thisStart + lastEnd) / 2
                utterances.start[k] = (ds - 1 + middle - utterances.delay[k]) / ds
                utterances.end[k - 1] = (middle - utterances.delay[k - 1]) / ds
            }
        }
        utterances.updateLargestSize()
    }
}
