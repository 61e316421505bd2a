/// The analysis shared by the composite measures' parts, as `pysepm` (and Hu & Loizou's MATLAB
/// code before it) frames signals: 30 ms frames of MATLAB `hanning` windows with a 75 % overlap,
/// in double precision.
struct CompositeFraming {
    /// Frame length in samples: round(0.03·fs).
    let frameLength: Int
    /// Hop in samples: ⌊(1 − 0.75)·0.03·fs⌋, evaluated in that order as the reference does.
    let hop: Int
    /// MATLAB `hanning(frameLength)`.
    let window: [Double]

    init(sampleRate: Int) {
        frameLength = Int((0.03 * Double(sampleRate)).rounded(.toNearestOrEven))
        hop = Int(((1 - 0.75) * 0.03 * Double(sampleRate)).rounded(.down))
        window = matlabHanning(frameLength)
    }

    /// numpy's float64 epsilon, which the reference adds to every sample and to ratios.
    static let epsilon = 2.220446049250313e-16

    /// Frames numpy's strided framing yields for `count` samples: ⌊(count − overlap)/hop⌋.
    func stridedFrameCount(_ count: Int) -> Int {
        let overlap = frameLength - hop
        return count >= overlap ? (count - overlap) / hop : 0
    }

    /// The frame count the spectral measures (WSS, fwSegSNR) use: int(count/hop − frame/hop),
    /// computed in floating point as the reference does.
    func spectralFrameCount(_ count: Int) -> Int {
        let frames = Double(count) / Double(hop) - Double(frameLength) / Double(hop)
        return frames > 0 ? Int(frames) : 0
    }

    /// The signal as the reference sees it: double precision, plus ε on every sample (which
    /// keeps digital silence from giving zero spectra and singular LPC problems).
    static func offset(_ signal: [Float]) -> [Double] {
        signal.map { Double($0) + epsilon }
    }

    /// Mean of the `fraction` smallest values (the reference's sort and keep
    /// round(n·fraction) values, Python's round: half to even).
    static func lowMean(_ values: [Double], fraction: Double = 0.95) -> Double {
        let kept = Int((Double(values.count) * fraction).rounded(.toNearestOrEven))
        guard kept > 0 else { return .nan }
        let sorted = values.sorted { $0 < $1 || ($1.isNaN && !$0.isNaN) }
        var total = 0.0
        for v in sorted[0..<kept] { total += v }
        return total / Double(kept)
    }

    /// Checks equal lengths and that the measure has at least one frame (`frames`: the count
    /// it found). Both frame counts reach 1 at frameLength + hop samples.
    func validate(clean: [Float], enhanced: [Float], frames: Int) throws(MetricsError) {
        guard clean.count == enhanced.count else {
            throw .lengthMismatch(clean: clean.count, enhanced: enhanced.count)
        }
        guard frameLength > 0, hop > 0, frames > 0 else {
            throw .tooShort(samples: clean.count, needed: frameLength + max(hop, 1))
        }
    }
}

/// The 25 critical bands (Klatt's, 50 Hz to 3.94 kHz) and their Gaussian-shaped filters on
/// FFT bins, shared by WSS and the frequency-weighted segmental SNR.
struct CriticalBands {
    /// Centre frequencies in Hz.
    static let centres: [Double] = [
        50.0000, 120.000, 190.000, 260.000, 330.000, 400.000, 470.000, 540.000, 617.372, 703.378,
        798.717, 904.128, 1020.38, 1148.30, 1288.72, 1442.54, 1610.70, 1794.16, 1993.93, 2211.08,
        2446.71, 2701.97, 2978.04, 3276.17, 3597.63,
    ]
    /// Bandwidths in Hz.
    static let bandwidths: [Double] = [
        70.0000, 70.0000, 70.0000, 70.0000, 70.0000, 70.0000, 70.0000, 77.3724, 86.0056, 95.3398,
        105.411, 116.256, 127.914, 140.423, 153.823, 168.154, 183.457, 199.776, 217.153, 235.631,
        255.255, 276.072, 298.126, 321.465, 346.136,
    ]
    static var count: Int { centres.count }

    /// FFT length: the power of two at or above twice the frame length.
    let fftSize: Int
    /// Each band's filter: the first bin it covers and its weights from there (bins where the
    /// filter is at or below −30 dB are zero in the reference and left out here).
    let filters: [(first: Int, weights: [Double])]

    init(frameLength: Int, sampleRate: Int) {
        var size = 1
        while size < 2 * frameLength { size *= 2 }
        fftSize = size
        let half = size / 2
        let nyquist = Double(sampleRate) / 2
        let floorFactor = MetricsMath.exp(-30.0 / (2.0 * 2.303))
        filters = (0..<Self.count).map { i in
            let centre = (Self.centres[i] / nyquist * Double(half)).rounded(.down)
            let width = Self.bandwidths[i] / nyquist * Double(half)
            let normalisation = MetricsMath.log(Self.bandwidths[0]) - MetricsMath.log(Self.bandwidths[i])
            var first = -1, weights: [Double] = []
            for j in 0..<half {
                let d = (Double(j) - centre) / width
                let w = MetricsMath.exp(-11 * (d * d) + normalisation)
                guard w > floorFactor else { continue }
                if first < 0 { first = j }
                // Zeros for any gap (a Gaussian bump has none), then this bin's weight.
                weights.append(contentsOf: repeatElement(0, count: j - first - weights.count))
                weights.append(w)
            }
            return (max(first, 0), weights)
        }
    }

    /// Band values Σ filter·spectrum for one frame's spectrum (bins 0 ..< fftSize/2).
    func apply(_ spectrum: [Double], into bands: inout [Double]) {
        for (i, filter) in filters.enumerated() {
            var total = 0.0
            for (k, w) in filter.weights.enumerated() { total += w * spectrum[filter.first + k] }
            bands[i] = total
        }
    }
}

/// Short-time magnitude spectra as `scipy.signal.stft` computes them for the reference
/// (window applied, zero-padded to the FFT length, one-sided, the Nyquist bin dropped).
struct CompositeSpectra {
    let framing: CompositeFraming
    let bands: CriticalBands
    /// scipy's amplitude scale for the spectra, 1/Σwindow.
    let scale: Double
    private let fft: ComplexFFT

    init(sampleRate: Int) {
        framing = CompositeFraming(sampleRate: sampleRate)
        bands = CriticalBands(frameLength: framing.frameLength, sampleRate: sampleRate)
        scale = 1 / framing.window.reduce(0, +)
        fft = ComplexFFT(size: bands.fftSize)
    }

    /// |X_k| of frame `frame` of `signal` for k < fftSize/2, scaled by 1/Σwindow as scipy's
    /// `stft` scales ("spectrum" scaling).
    func magnitudes(_ signal: [Double], frame: Int, into magnitude: inout [Double],
                    real: inout [Double], imaginary: inout [Double]) {
        let start = frame * framing.hop
        for i in 0..<bands.fftSize {
            real[i] = i < framing.frameLength ? framing.window[i] * signal[start + i] : 0
            imaginary[i] = 0
        }
        fft.forward(real: &real, imaginary: &imaginary)
        for k in 0..<(bands.fftSize / 2) {
            magnitude[k] = (real[k] * real[k] + imaginary[k] * imaginary[k]).squareRoot() * scale
        }
    }


    /// The spectral measures' analysis of a pair (WSS, fwSegSNR): checks it, then calls
    /// `body(clean band values, enhanced band values)` for every frame, each signal's magnitude
    /// spectrum (ε-offset samples) first transformed in place by `prepare(spectrum, scale)`
    /// and then passed through the critical-band filters. Returns the frame count.
    static func bandsPerFrame(clean: [Float], enhanced: [Float], sampleRate: Int,
                              prepare: (_ spectrum: inout [Double], _ scale: Double) -> Void,
                              _ body: ([Double], [Double]) -> Void) throws(MetricsError) -> Int {
        let spectra = CompositeSpectra(sampleRate: sampleRate)
        let frames = spectra.framing.spectralFrameCount(clean.count)
        try spectra.framing.validate(clean: clean, enhanced: enhanced, frames: frames)
        let x = CompositeFraming.offset(clean), y = CompositeFraming.offset(enhanced)
        let n = spectra.bands.fftSize
        var re = [Double](repeating: 0, count: n), im = re
        var magnitude = [Double](repeating: 0, count: n / 2)
        var cleanBands = [Double](repeating: 0, count: CriticalBands.count), enhancedBands = cleanBands
        for f in 0..<frames {
            spectra.magnitudes(x, frame: f, into: &magnitude, real: &re, imaginary: &im)
            prepare(&magnitude, spectra.scale)
            spectra.bands.apply(magnitude, into: &cleanBands)
            spectra.magnitudes(y, frame: f, into: &magnitude, real: &re, imaginary: &im)
            prepare(&magnitude, spectra.scale)
            spectra.bands.apply(magnitude, into: &enhancedBands)
            body(cleanBands, enhancedBands)
        }
        return frames
    }
}
