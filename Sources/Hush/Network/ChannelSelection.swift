/// Chooses a block's active channels from its gate scores (training/FORMAT.md, "Active set"):
/// channels with a positive score, capped at the `cap` highest, ties going to the lower index.
/// Works in caller-owned scratch; allocates nothing.
enum ChannelSelection {
    /// Writes the active channels in ascending order to `active` and returns their number.
    /// - Parameters:
    ///   - scores: `count` gate scores.
    ///   - scratch: room for `count` floats.
    static func select(scores: UnsafePointer<Float>, count: Int, cap: Int,
                       scratch: UnsafeMutablePointer<Float>,
                       into active: UnsafeMutablePointer<Int32>) -> Int {
        var positives = 0
        for c in 0..<count where scores[c] > 0 {
            scratch[positives] = scores[c]
            positives += 1
        }
        if positives <= cap {
            var n = 0
            for c in 0..<count where scores[c] > 0 {
                active[n] = Int32(c)
                n += 1
            }
            return n
        }
        // The cap-th largest positive score is the threshold; scores above it are in, and of
        // those equal to it, the lowest indices fill the remaining places.
        let threshold = kthLargest(scratch, count: positives, k: cap)
        var above = 0
        for c in 0..<count where scores[c] > threshold { above += 1 }
        var tiesAllowed = cap - above
        var n = 0
        for c in 0..<count {
            let s = scores[c]
            if s > threshold || (s == threshold && tiesAllowed > 0) {
                if s == threshold { tiesAllowed -= 1 }
                active[n] = Int32(c)
                n += 1
            }
        }
        return n
    }

    /// The k-th largest of `values[0..<count]` (1-based k), by in-place quickselect.
    static func kthLargest(_ values: UnsafeMutablePointer<Float>, count: Int, k: Int) -> Float {
        var lo = 0, hi = count - 1
        let target = k - 1  // index in descending order
        while lo < hi {
            let pivot = values[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    let t = values[i]; values[i] = values[j]; values[j] = t
                    i += 1; j -= 1
                }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { return values[target] }
        }
        return values[target]
    }
}
