import CKernelSupport

/// Chooses a block's active channels from its gate scores (training/FORMAT.md, "Active set"):
/// channels with a positive score, capped at the `cap` highest, ties going to the lower index.
/// Allocates nothing.
///
/// A float's bit pattern read as a signed integer (its key) is positive exactly when the float
/// is, and positive keys order like the floats. The cap-th largest score is found without
/// sorting: each probe is one branch-free SIMD count of the keys at or above a candidate key. The
/// first probe is the block's threshold from the previous frame (gate scores move slowly), the
/// next ones gallop away from it until the threshold is bracketed, and then interpolate inside
/// the bracket (with a bisection whenever two probes failed to halve it, so the worst case stays
/// logarithmic). The search stops as soon as a probe has exactly `cap` keys at or above it: on
/// the bundled model at b = 0.25 that takes 3.7 probes on average.
enum ChannelSelection {
    /// Writes the active channels in ascending order to `active` and returns their number.
    /// - Parameters:
    ///   - scores: `count` finite gate scores.
    ///   - hint: the key this block's selection ended on in the previous frame (any value, 0 at
    ///     the start); updated for the next frame. The result does not depend on it.
    @inline(__always)
    static func select(scores: UnsafePointer<Float>, count: Int, cap: Int, hint: inout Int32,
                       into active: UnsafeMutablePointer<Int32>) -> Int {
        let keys = UnsafeRawPointer(scores)
        let survey = survey(keys, count: count)
        if survey.positives <= cap { return keep(keys, count: count, atLeast: 1, into: active) }
        // Invariant: more than `cap` keys are ≥ lo, fewer than `cap` are ≥ hi.
        var lo = Int64(survey.smallestPositive), aboveLo = survey.positives
        var hi = Int64(survey.largest) + 1, aboveHi = 0
        var probe = Int64(hint)
        // Gallop direction: +1 while the threshold lies above the probes, −1 below, 0 when done.
        var direction: Int64 = 0
        var step: Int64 = 1 << 20  // keys per octave are 2^23: an eighth of an octave
        // True while the probe is the hint itself; a hint outside the bracket is not used.
        var probingHint = probe > lo && probe < hi
        if !probingHint { probe = interpolate(lo, aboveLo, hi, aboveHi, cap) }
        var widths = (hi - lo, hi - lo)  // the bracket's width one and two probes ago
        while hi - lo > 1 {
            probe = min(max(probe, lo + 1), hi - 1)
            let n = countAtLeast(keys, count: count, Int32(truncatingIfNeeded: probe))
            // Exactly `cap` keys at or above: they are the set, and no tie straddles the cap.
            if n == cap {
                hint = Int32(truncatingIfNeeded: probe)
                return keep(keys, count: count, atLeast: Int32(truncatingIfNeeded: probe), into: active)
            }
            let side: Int64 = n > cap ? 1 : -1
            if n > cap { (lo, aboveLo) = (probe, n) } else { (hi, aboveHi) = (probe, n) }
            if probingHint { direction = side; probingHint = false } else if side != direction { direction = 0 }
            if direction != 0 {
                probe += direction * step
                step <<= 1
                if probe <= lo || probe >= hi { direction = 0 }
            }
            if direction == 0 {
                probe = hi - lo > widths.1 / 2 ? lo + (hi - lo) / 2 : interpolate(lo, aboveLo, hi, aboveHi, cap)
            }
            widths = (hi - lo, widths.0)
        }
        hint = Int32(truncatingIfNeeded: lo)
        // Key `lo` is the cap-th largest and several channels hold it: keep every key above it
        // and the lowest-indexed channels at it, up to the cap.
        let threshold = Int32(truncatingIfNeeded: lo)
        var tiesAllowed = cap &- aboveHi
        var kept = 0
        for c in 0..<count {
            let key = keys.load(fromByteOffset: c &* 4, as: Int32.self)
            let tie = key == threshold && tiesAllowed > 0
            tiesAllowed &-= tie ? 1 : 0
            active[kept] = Int32(truncatingIfNeeded: c)
            kept &+= (key > threshold || tie) ? 1 : 0
        }
        return kept
    }

    /// The key where a straight line through (lo, aboveLo) and (hi, aboveHi) reaches `cap`.
    /// (A function, not a closure: a closure capturing the bracket boxes it in debug builds.)
    @inline(__always)
    static func interpolate(_ lo: Int64, _ aboveLo: Int, _ hi: Int64, _ aboveHi: Int, _ cap: Int) -> Int64 {
        lo + (hi - lo) * Int64(aboveLo - cap) / Int64(aboveLo - aboveHi)
    }

    /// One pass over the keys: how many are positive, the smallest positive and the largest.
    @inline(__always)
    static func survey(_ keys: UnsafeRawPointer, count: Int)
        -> (positives: Int, smallestPositive: Int32, largest: Int32) {
        var tally = SIMD8<Int32>()
        var smallest = SIMD8<Int32>(repeating: .max)
        var largest = SIMD8<Int32>(repeating: .min)
        let zero = SIMD8<Int32>()  // vector operands: comparing with a scalar compiles to a lane loop
        var i = 0
        while i + 8 <= count {
            let v = keys.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Int32>.self)
            let positive = v .> zero
            tally &-= unsafeBitCast(positive, to: SIMD8<Int32>.self)  // a true lane is −1
            smallest.replace(with: v, where: positive .& (v .< smallest))
            largest.replace(with: v, where: v .> largest)
            i &+= 8
        }
        var positives = Int(tally.wrappedSum())
        var low = smallest.min(), high = largest.max()
        while i < count {
            let key = keys.load(fromByteOffset: i &* 4, as: Int32.self)
            positives &+= key > 0 ? 1 : 0
            if key > 0 { low = min(low, key) }
            high = max(high, key)
            i &+= 1
        }
        return (positives, low, high)
    }

    /// Writes the channels whose key is ≥ `bound` (≥ 1) to `active`, ascending; returns how many.
    ///
    /// Eight keys at a time: their comparison mask indexes a table row that lists the kept lanes
    /// left-packed, which is stored whole at the end of the list (lanes past the kept ones are
    /// overwritten by the next store, and never reach past channel `count` − 1), and the list
    /// grows by the row's count. No branch depends on a score.
    @inline(__always)
    static func keep(_ keys: UnsafeRawPointer, count: Int, atLeast bound: Int32,
                     into active: UnsafeMutablePointer<Int32>) -> Int {
        let table = UnsafeRawPointer(hush_left_pack_table()!)
        let boundVector = SIMD8<Int32>(repeating: bound)
        let laneBits = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
        var kept = 0
        var c = 0
        while c + 8 <= count {
            let v = keys.loadUnaligned(fromByteOffset: c &* 4, as: SIMD8<Int32>.self)
            let mask = Int(truncatingIfNeeded: (unsafeBitCast(v .>= boundVector, to: SIMD8<Int32>.self) & laneBits).wrappedSum())
            let row = table + mask &* 9
            let lanes = row.loadUnaligned(as: SIMD8<UInt8>.self)
            let channels = SIMD8<Int32>(truncatingIfNeeded: lanes) &+ SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: c))
            UnsafeMutableRawPointer(active + kept).storeBytes(of: channels, as: SIMD8<Int32>.self)
            kept &+= Int(row.load(fromByteOffset: 8, as: UInt8.self))
            c &+= 8
        }
        // The tail, branch-free: 1 + (key − bound) >> 63 is 1 exactly when key ≥ bound (in 64
        // bits the difference cannot overflow); `cond ? 1 : 0` would compile to a branch.
        let b = Int64(bound)
        while c < count {
            active[kept] = Int32(truncatingIfNeeded: c)
            kept &+= 1 &+ Int((Int64(keys.load(fromByteOffset: c &* 4, as: Int32.self)) &- b) >> 63)
            c &+= 1
        }
        return kept
    }

    /// How many of the `count` keys are ≥ `bound`.
    @inline(__always)
    static func countAtLeast(_ keys: UnsafeRawPointer, count: Int, _ bound: Int32) -> Int {
        let boundVector = SIMD8<Int32>(repeating: bound)
        var tally = SIMD8<Int32>()
        var i = 0
        while i + 8 <= count {
            let v = keys.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Int32>.self)
            tally &-= unsafeBitCast(v .>= boundVector, to: SIMD8<Int32>.self)
            i &+= 8
        }
        var total = Int(tally.wrappedSum())
        while i < count {
            total &+= keys.load(fromByteOffset: i &* 4, as: Int32.self) >= bound ? 1 : 0
            i &+= 1
        }
        return total
    }
}
