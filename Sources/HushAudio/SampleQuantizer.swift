/// Float samples (full scale ±1) to signed integers of `bits` bits: x·2^(bits−1) rounded to the
/// nearest integer (ties to even), optionally with TPDF dither of ±1 LSB, clipped to the integer
/// range, with a count of the clipped samples. The one quantizer of every integer output (16-bit
/// files and `hush stream`'s s16le alike), so they carry the same samples. Reading scales by
/// 2^−(bits−1) (as libsndfile does), so a 16-bit file passed through unchanged comes back exact.
public struct SampleQuantizer: Sendable {
    /// Bits per sample, 8…32.
    public let bits: Int
    /// Whether TPDF dither (the difference of two uniform values, ±1 LSB) is added before rounding.
    public let dithers: Bool
    /// Samples whose value lay beyond the integer range and were clipped to full scale.
    public private(set) var clippedSamples = 0
    private let scale: Double
    private var random: UInt64 = 0x9E37_79B9_7F4A_7C15  // a fixed seed: runs stay repeatable

    /// A quantizer to `bits` bits (clamped to 8…32).
    public init(bits: Int, dithers: Bool = false) {
        self.bits = min(max(bits, 8), 32)
        self.dithers = dithers
        scale = Double(1 << (self.bits - 1))
    }

    /// `x` quantized, left-aligned in 32 bits (the value sits in the top `bits` bits), which is how
    /// libsndfile's `sf_write_int` takes samples of any integer width.
    @inline(__always)
    public mutating func quantize(_ x: Float) -> Int32 {
        let exact = Double(x) * scale
        guard !exact.isNaN else { return 0 }
        let high = scale - 1, low = -scale
        var value = exact
        if dithers { value += uniform() - uniform() }
        var rounded = value.rounded(.toNearestOrEven)
        if exact.rounded(.toNearestOrEven) > high || exact.rounded(.toNearestOrEven) < low { clippedSamples += 1 }
        rounded = min(max(rounded, low), high)
        return bits == 32 ? Int32(rounded) : Int32(rounded) << Int32(32 - bits)
    }

    /// A 16-bit sample (for a quantizer of 16 bits).
    @inline(__always)
    public mutating func quantize16(_ x: Float) -> Int16 {
        Int16(truncatingIfNeeded: quantize(x) >> 16)
    }

    /// Uniform in [0, 1) from a xorshift64* generator.
    private mutating func uniform() -> Double {
        random ^= random >> 12
        random ^= random << 25
        random ^= random >> 27
        return Double((random &* 0x2545_F491_4F6C_DD1D) >> 11) * 0x1p-53
    }
}
