/// Rational-factor resampling exactly as pystoi does it (Octave's `resample`: a Kaiser-windowed
/// sinc low-pass applied by polyphase filtering). STOI is sensitive to the band edges this
/// filter leaves, so a different (even better) resampler would not reproduce published scores.
enum OctaveResampler {
    /// Resamples `x` from `inputRate` to `outputRate`; the output has ⌈n·p/q⌉ samples.
    static func resample(_ x: [Double], from inputRate: Int, to outputRate: Int) -> [Double] {
        let divisor = gcd(inputRate, outputRate)
        let up = outputRate / divisor, down = inputRate / divisor
        let h = filter(up: up, down: down)
        let halfLength = (h.count - 1) / 2
        let n = x.count
        let outputCount = (n * up + down - 1) / down
        var y = [Double](repeating: 0, count: outputCount)
        for k in 0..<outputCount {
            // Output k sits at upsampled position k·down; tap j pairs with input i where
            // j = halfLength + k·down − i·up.
            let centre = halfLength + k * down
            let firstInput = max(0, ceilDiv(centre - (h.count - 1), up))
            let lastInput = min(n - 1, centre / up)
            var sum = 0.0
            if firstInput <= lastInput {
                for i in firstInput...lastInput { sum += x[i] * h[centre - i * up] }
            }
            y[k] = sum
        }
        return y
    }

    /// The filter, normalised to unit DC gain and then scaled by `up` (zero-stuffing loses `up`).
    private static func filter(up: Int, down: Int) -> [Double] {
        let rejectionDecibels = 60.0
        let stopbandCutoff = 1.0 / (2.0 * Double(max(up, down)))
        let rollOffWidth = stopbandCutoff / 10
        let halfLength = Int(((rejectionDecibels - 8) / (28.714 * rollOffWidth)).rounded(.up))
        let beta = 0.1102 * (rejectionDecibels - 8.7)
        let length = 2 * halfLength + 1
        var h = [Double](repeating: 0, count: length)
        let i0Beta = besselI0(beta)
        for j in 0..<length {
            let t = Double(j - halfLength)
            let ratio = 2 * Double(j) / Double(length - 1) - 1
            let kaiser = besselI0(beta * (1 - ratio * ratio).squareRoot()) / i0Beta
            h[j] = kaiser * 2 * Double(up) * stopbandCutoff * sinc(2 * stopbandCutoff * t)
        }
        let sum = h.reduce(0, +)
        return h.map { $0 / sum * Double(up) }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let a = Double.pi * x
        return MetricsMath.sin(a) / a
    }

    /// Modified Bessel function of the first kind, order 0, by its power series (converges
    /// fast for the β ≈ 5.65 used here).
    private static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let quarterSquare = x * x / 4
        var k = 1.0
        while term > 1e-17 * sum {
            term *= quarterSquare / (k * k)
            sum += term
            k += 1
        }
        return sum
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    private static func ceilDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? (a + b - 1) / b : -((-a) / b)
    }
}
