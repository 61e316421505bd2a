/// Per-frame quantities of the perceptual model (P.862 §10.2): Bark-domain pitch power
/// densities, audible power, loudness densities and the Lp norms that turn a disturbance
/// density into one number per frame.
struct PESQBarkSpectrum {
    let bands: PESQBarkBands
    /// Single-precision copies of the tables, as the reference reads them.
    private let threshold: [Float]
    private let width: [Float]
    /// Per-band exponent of the modified Zwicker law (steeper below 4 Bark).
    private let zwickerPower: [Double]

    init(bands: PESQBarkBands) {
        self.bands = bands
        threshold = bands.absoluteThreshold.map { Float($0) }
        width = bands.widthBark.map { Float($0) }
        zwickerPower = bands.centreBark.map { centre in
            var h: Float = centre < 4 ? 6 / (Float(centre) + 2) : 1
            if h > 2 { h = 2 }
            h = Float(MetricsMath.pow(Double(h), Double(Float(0.15))))
            return 0.23 * Double(h)
        }
    }

    var count: Int { bands.count }

    /// Sums FFT power bins into Bark bands: `output[0..<count]`.
    func warp(_ power: [Float], into output: UnsafeMutablePointer<Float>) {
        var bin = 0
        for band in 0..<bands.count {
            var sum = 0.0
            for _ in 0..<bands.hzBandsPerBark[band] { sum += Double(power[bin]); bin += 1 }
            sum *= bands.powerDensityCorrection[band]
            sum *= Double(bands.powerScale)
            output[band] = Float(sum)
        }
    }

    /// Power in bands above the first whose density exceeds `factor` × the hearing threshold.
    func audiblePower(_ density: UnsafePointer<Float>, factor: Double) -> Float {
        var result = 0.0
        for band in 1..<bands.count {
            let h = density[band]
            if h > Float(factor * bands.absoluteThreshold[band]) { result += Double(h) }
        }
        return Float(result)
    }

    /// Zwicker loudness density (sone/Bark) of one frame's pitch power density.
    func loudness(_ density: UnsafePointer<Float>, into output: inout [Float]) {
        for band in 0..<bands.count {
            let t = threshold[band], input = density[band]
            var value: Float = 0
            if input > t {
                let p = zwickerPower[band]
                value = Float(MetricsMath.pow(Double(t) / 0.5, p)
                              * (MetricsMath.pow(0.5 + 0.5 * Double(input) / Double(t), p) - 1))
            }
            output[band] = value * bands.loudnessScale
        }
    }

    /// Width-weighted Lp norm over bands 1…, scaled back by the total width.
    func pseudoLp(_ x: [Float], _ p: Float) -> Float {
        var total = 0.0, result = 0.0
        for band in 1..<bands.count {
            let w = width[band]
            let product = abs(x[band]) * w
            result += MetricsMath.pow(Double(product), Double(p))
            total += Double(w)
        }
        result /= total
        result = MetricsMath.pow(result, Double(1 / p))
        return Float(result * total)
    }

    /// Symmetric disturbance of one frame: loudness difference minus a dead zone of a quarter
    /// of the smaller loudness (masking). Returns the density for the asymmetric step.
    func disturbance(reference: [Float], degraded: [Float], into d: inout [Float]) {
        for band in 0..<bands.count {
            let difference = degraded[band] - reference[band]
            let deadZone = min(degraded[band], reference[band]) * 0.25
            if difference > deadZone {
                d[band] = difference - deadZone
            } else if difference < -deadZone {
                d[band] = difference + deadZone
            } else {
                d[band] = 0
            }
        }
    }

    /// Weights the disturbance by the asymmetry factor ((deg + 50)/(ref + 50))^1.2, which is
    /// zeroed below 3 and capped at 12: added components disturb more than missing ones.
    func applyAsymmetry(_ d: inout [Float], reference: UnsafePointer<Float>, degraded: UnsafePointer<Float>) {
        for band in 0..<bands.count {
            let ratio = (degraded[band] + 50) / (reference[band] + 50)
            var h = Float(MetricsMath.pow(Double(ratio), Double(Float(1.2))))
            if h > 12 { h = 12 }
            if h < 3 { h = 0 }
            d[band] *= h
        }
    }
}
