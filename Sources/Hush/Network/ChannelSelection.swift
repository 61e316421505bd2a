/// Chooses a block's active channels from its gate scores (training/FORMAT.md, "Active set"):
/// channels with a positive score, capped at the `cap` highest, ties going to the lower index.
/// Works in caller-owned scratch; allocates nothing.
///
/// Selection is branch-free where it matters: a comparison-based quickselect on gate scores
/// mispredicts about every other branch, which cost more than the channels it saved. Positive
/// floats order like their bit patterns, so the cap-th largest score is found by building its
/// bit pattern from the top bit down, each step a SIMD count of the keys at or above a candidate.
enum ChannelSelection {
    /// Writes the active channels in ascending order to `active` and returns their number.
    /// - Parameters:
    ///   - scores: `count` gate scores.
    ///   - keys: scratch for `count` keys (bit patterns of the positive scores).
    @inline(__always)
    static func select(scores: UnsafePointer<Float>, count: Int, cap: Int,
                       keys: UnsafeMutablePointer<UInt32>,
                       into active: UnsafeMutablePointer<Int32>) -> Int {
        // One pass collects the positive channels (ascending) and their keys, compacted, so the
        // threshold search below scans only the candidates.
        var positives = 0
        for c in 0..<count {
            let s = scores[c]
            keys[positives] = s.bitPattern
            active[positives] = Int32(truncatingIfNeeded: c)
            positives &+= s > 0 ? 1 : 0
        }
        if positives <= cap { return positives }
        let threshold = capThreshold(keys, count: positives, cap: cap)
        var tiesAllowed = cap &- countAtLeast(keys, count: positives, threshold &+ 1)
        var kept = 0
        for j in 0..<positives {
            let key = keys[j]
            let tie = key == threshold && tiesAllowed > 0
            tiesAllowed &-= tie ? 1 : 0
            active[kept] = active[j]
            kept &+= (key > threshold || tie) ? 1 : 0
        }
        return kept
    }

    /// The largest key t with at least `cap` keys ≥ t: the cap-th largest key.
    @inline(__always)
    static func capThreshold(_ keys: UnsafePointer<UInt32>, count: Int, cap: Int) -> UInt32 {
        var threshold: UInt32 = 0
        var bit: UInt32 = 1 << 30  // positive floats never set bit 31
        while bit != 0 {
            let candidate = threshold | bit
            if countAtLeast(keys, count: count, candidate) >= cap { threshold = candidate }
            bit >>= 1
        }
        return threshold
    }

    /// How many of `keys` are ≥ `bound`.
    @inline(__always)
    static func countAtLeast(_ keys: UnsafePointer<UInt32>, count: Int, _ bound: UInt32) -> Int {
        // Keys are below 2^31, so a signed compare orders them; a true lane is −1.
        let boundVector = SIMD8<Int32>(repeating: Int32(bitPattern: bound))
        var tally = SIMD8<Int32>()
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(keys + i).loadUnaligned(as: SIMD8<Int32>.self)
            tally &-= unsafeBitCast(v .>= boundVector, to: SIMD8<Int32>.self)
            i &+= 8
        }
        var total = Int(tally[0] &+ tally[1] &+ tally[2] &+ tally[3] &+ tally[4] &+ tally[5] &+ tally[6] &+ tally[7])
        while i < count {
            total &+= keys[i] >= bound ? 1 : 0
            i &+= 1
        }
        return total
    }
}
