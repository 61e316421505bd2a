/// Keeps hostile samples out of the signal path. NaN or ±Inf would poison every frame they touch
/// and, through the causal histories, every later frame; huge finite values overflow |X|²;
/// subnormals make arithmetic take a slow microcode path on x86.
public enum SampleSanitizer {
    /// Largest magnitude let through; beyond it a sample is clamped (float files may exceed ±1,
    /// but nothing real reaches this).
    public static let limit: Float = 1_000

    /// The clean value of one sample: NaN and ±Inf become 0, subnormals become 0, magnitudes
    /// above `limit` are clamped. `changed` is set when the value was altered (subnormals
    /// excepted: flushing them changes nothing audible).
    @inline(__always)
    public static func clean(_ x: Float, changed: inout Bool) -> Float {
        if x.isNaN || x.isInfinite {
            changed = true
            return 0
        }
        if abs(x) > limit {
            changed = true
            return x > 0 ? limit : -limit
        }
        return x.isSubnormal ? 0 : x
    }

    /// Cleans `samples` in place and returns how many were altered.
    @discardableResult
    public static func clean(_ samples: UnsafeMutableBufferPointer<Float>) -> Int {
        var altered = 0
        for i in samples.indices {
            var changed = false
            samples[i] = clean(samples[i], changed: &changed)
            altered &+= changed ? 1 : 0
        }
        return altered
    }
}
