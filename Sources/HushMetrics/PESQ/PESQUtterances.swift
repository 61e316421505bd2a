/// Utterances found in the reference and their delays in the degraded signal, in VAD windows
/// (starts, ends) and samples (delays). Slot `scratch` is the reference's work slot for trial
/// alignments while splitting, so at most 49 utterances are real.
struct PESQUtterances {
    static let capacity = 50
    static let scratch = capacity - 1

    var count = 0
    var largestSize = 0
    /// Delay of the whole degraded signal, from envelope correlation (samples).
    var crudeDelayEstimate = 0
    var searchStart = [Int](repeating: 0, count: capacity)
    var searchEnd = [Int](repeating: 0, count: capacity)
    /// Coarse (envelope) delay per utterance, samples.
    var delayEstimate = [Int](repeating: 0, count: capacity)
    /// Fine delay per utterance, samples.
    var delay = [Int](repeating: 0, count: capacity)
    var delayConfidence = [Float](repeating: 0, count: capacity)
    var start = [Int](repeating: 0, count: capacity)
    var end = [Int](repeating: 0, count: capacity)

    /// Index of the utterance whose region contains `sample` of the reference (or the first).
    func delay(atReferenceSample sample: Int, downsample: Int) -> Int {
        var u = count - 1
        while u >= 0 && start[u] * downsample > sample { u -= 1 }
        return delay[max(u, 0)]
    }

    mutating func updateLargestSize() {
        largestSize = 0
        for u in 0..<count where end[u] - start[u] > largestSize { largestSize = end[u] - start[u] }
    }
}
