/// Log-likelihood ratio (Itakura's LPC distance) as `pysepm` 0.1 computes it after Hu &
/// Loizou's composite-measure code: per 30 ms frame (MATLAB `hanning`, 75 % overlap), LPC
/// coefficients of order 10 below 10 kHz and 16 above, by autocorrelation and Levinson–Durbin,
/// of the clean (a_c) and enhanced (a_e) frames, and
/// LLR = ln(a_eᵀ R_c a_e / a_cᵀ R_c a_c) with R_c the clean frame's autocorrelation matrix;
/// the mean over the 95 % of frames with the lowest values.
public enum LLR {
    /// Mean LLR of `enhanced` against `clean`.
    ///
    /// - Parameter clampedAt2: clamp each frame's value at 2 first, as the stand-alone measure
    ///   (`pysepm.llr` by default, Loizou's `comp_llr`) does; the composite measures use the
    ///   unclamped values (`used_for_composite=True`).
    /// - Throws: `.lengthMismatch`, or `.tooShort` for less than two frames.
    public static func mean(clean: [Float], enhanced: [Float], sampleRate: Int,
                            clampedAt2: Bool = true) throws(MetricsError) -> Double {
        let framing = CompositeFraming(sampleRate: sampleRate)
        // The reference frames with numpy strides and leaves the last frame out.
        let frames = framing.stridedFrameCount(clean.count) - 1
        try framing.validate(clean: clean, enhanced: enhanced, frames: frames)
        let order = sampleRate < 10_000 ? 10 : 16
        let x = CompositeFraming.offset(clean), y = CompositeFraming.offset(enhanced)
        var frame = [Double](repeating: 0, count: framing.frameLength)
        var distortions: [Double] = []
        distortions.reserveCapacity(frames)
        for f in 0..<frames {
            let start = f * framing.hop
            for i in frame.indices { frame[i] = framing.window[i] * x[start + i] }
            let cleanCorrelation = autocorrelation(frame, order: order)
            let cleanPredictor = predictor(cleanCorrelation)
            for i in frame.indices { frame[i] = framing.window[i] * y[start + i] }
            let enhancedPredictor = predictor(autocorrelation(frame, order: order))
            var ratio = quadraticForm(enhancedPredictor, cleanCorrelation)
                / quadraticForm(cleanPredictor, cleanCorrelation)
            if ratio.isNaN { ratio = .infinity }
            if ratio <= 0 { ratio = 1000 }
            let d = MetricsMath.log(ratio)
            distortions.append(clampedAt2 ? min(d, 2) : d)
        }
        return CompositeFraming.lowMean(distortions)
    }

    /// Autocorrelation lags 0…order of one frame.
    static func autocorrelation(_ frame: [Double], order: Int) -> [Double] {
        (0...order).map { k in
            var total = 0.0
            for i in 0..<(frame.count - k) { total += frame[i] * frame[i + k] }
            return total
        }
    }

    /// The prediction-error filter [1, −a₁, …, −a_p] from autocorrelation lags by
    /// Levinson–Durbin, with the reference's conventions (a zero prediction error gives an
    /// infinite reflection coefficient rather than an error).
    static func predictor(_ r: [Double]) -> [Double] {
        let order = r.count - 1
        var a = [Double](repeating: 1, count: order), previous = a
        var error = r[0]
        for i in 0..<order {
            for k in 0..<i { previous[k] = a[k] }
            var sum = 0.0
            for k in 0..<i { sum += previous[k] * r[i - k] }
            let reflection = error == 0 ? Double.infinity : (r[i + 1] - sum) / error
            a[i] = reflection
            for k in 0..<i { a[k] = previous[k] - reflection * previous[i - 1 - k] }
            error *= 1 - reflection * reflection
        }
        return [1] + a.map { -$0 }
    }

    /// aᵀ T a with T the symmetric Toeplitz matrix of the lags `r`.
    static func quadraticForm(_ a: [Double], _ r: [Double]) -> Double {
        var total = 0.0
        for m in a.indices {
            var row = 0.0
            for n in a.indices { row += r[abs(m - n)] * a[n] }
            total += a[m] * row
        }
        return total
    }
}
