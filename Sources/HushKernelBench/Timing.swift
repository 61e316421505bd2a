#if canImport(Glibc)
import Glibc
#endif

/// A monotonic clock in nanoseconds (`CLOCK_MONOTONIC`).
@inline(__always)
func nanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// Fastest time per call, in seconds, of `reps` back-to-back calls, over `rounds` rounds (noise
/// from other load only ever adds time, so the minimum is the least disturbed estimate).
func fastestPerCall(rounds: Int, reps: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<rounds {
        let start = nanoseconds()
        for _ in 0..<reps { body() }
        best = min(best, Double(nanoseconds() - start) * 1e-9 / Double(reps))
    }
    return best
}

/// A buffer of `count` floats filled with small pseudo-random values (deterministic).
func randomFloats(_ count: Int, seed: UInt32) -> UnsafeMutablePointer<Float> {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
    var state = seed
    for i in 0..<count {
        state = state &* 1_664_525 &+ 1_013_904_223
        p[i] = (Float(state >> 8) / Float(1 << 24) - 0.5) * 0.2
    }
    return p
}
