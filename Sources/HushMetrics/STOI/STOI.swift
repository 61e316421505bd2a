import Hush

/// Short-Time Objective Intelligibility: STOI (Taal et al. 2011) and extended STOI (Jensen &
/// Taal 2016), computed as `pystoi` 0.4 computes them so that scores match published ones.
public enum STOI {
    /// The analysis rate: every input is resampled to 10 kHz first.
    static let rate = 10_000
    static let frameLength = 256
    static let hop = 128
    static let fftSize = 512
    /// Frames per intermediate-intelligibility segment (384 ms).
    static let segmentFrames = 30
    /// Frames more than this many dB below the loudest clean frame are dropped.
    static let dynamicRange = 40.0
    /// numpy's float64 epsilon, which pystoi adds to norms; kept so that ratios match exactly.
    static let epsilon = 2.220446049250313e-16

    /// STOI (`extended: false`) or ESTOI (`extended: true`) of `enhanced` against `clean`.
    ///
    /// Both signals must have the same length and rate, as in pystoi (which raises otherwise).
    /// - Throws: `MetricsError.lengthMismatch`, or `.tooShort` when fewer than 30 frames of
    ///   speech remain after silent-frame removal (pystoi returns 1e-5 there with a warning; a
    ///   number that looks like a score would be misleading).
    public static func score(clean: [Float], enhanced: [Float], sampleRate: Int,
                             extended: Bool = false) throws(MetricsError) -> Double {
        guard clean.count == enhanced.count else {
            throw .lengthMismatch(clean: clean.count, enhanced: enhanced.count)
        }
        guard sampleRate > 0 else { throw .unsupportedRate(sampleRate, supported: [rate]) }
        var x = clean.map(Double.init), y = enhanced.map(Double.init)
        if sampleRate != rate {
            x = OctaveResampler.resample(x, from: sampleRate, to: rate)
            y = OctaveResampler.resample(y, from: sampleRate, to: rate)
        }
        guard x.count > frameLength + hop else {
            throw .tooShort(samples: clean.count, needed: (frameLength + hop + 1) * sampleRate / rate + 1)
        }
        (x, y) = removeSilentFrames(x, y)
        let bands = ThirdOctaveBands(sampleRate: rate, fftSize: fftSize)
        guard let fft = try? RealFFT(size: fftSize) else { throw .fftUnavailable }
        let xBands = bandEnvelopes(x, bands: bands, fft: fft)
        let yBands = bandEnvelopes(y, bands: bands, fft: fft)
        let frames = xBands.first?.count ?? 0
        guard frames >= segmentFrames else {
            throw .tooShort(samples: clean.count, needed: segmentFrames)
        }
        return extended
            ? extendedCorrelation(xBands, yBands, frames: frames)
            : clippedCorrelation(xBands, yBands, frames: frames)
    }

    /// MATLAB's `hanning(n)`: a Hann window without its zero end points.
    static func hanning(_ n: Int) -> [Double] {
        (0..<n).map { 0.5 * (1 - MetricsMath.cos(2 * Double.pi * Double($0 + 1) / Double(n + 1))) }
    }

    /// Starts of the frames pystoi analyses; like pystoi, the last full frame is left out.
    static func frameStarts(count: Int) -> StrideTo<Int> {
        stride(from: 0, to: count - frameLength, by: hop)
    }

    /// Drops frames of both signals where the clean frame is quiet, then overlap-adds the
    /// windowed frames that remain.
    static func removeSilentFrames(_ x: [Double], _ y: [Double]) -> ([Double], [Double]) {
        let window = hanning(frameLength)
        let starts = Array(frameStarts(count: x.count))
        let energies = starts.map { start -> Double in
            var sum = 0.0
            for i in 0..<frameLength { let v = window[i] * x[start + i]; sum += v * v }
            return 20 * MetricsMath.log10(sum.squareRoot() + epsilon)
        }
        let threshold = (energies.max() ?? 0) - dynamicRange
        let kept = starts.indices.filter { energies[$0] > threshold }.map { starts[$0] }
        let length = kept.isEmpty ? 0 : (kept.count - 1) * hop + frameLength
        var xOut = [Double](repeating: 0, count: length), yOut = xOut
        for (k, start) in kept.enumerated() {
            for i in 0..<frameLength {
                xOut[k * hop + i] += window[i] * x[start + i]
                yOut[k * hop + i] += window[i] * y[start + i]
            }
        }
        return (xOut, yOut)
    }

    /// One-third-octave band magnitudes, `[band][frame]`, from a Hann-windowed 512-point STFT.
    static func bandEnvelopes(_ signal: [Double], bands: ThirdOctaveBands, fft: RealFFT) -> [[Double]] {
        let window = hanning(frameLength)
        let starts = Array(frameStarts(count: signal.count))
        var envelopes = [[Double]](repeating: [Double](repeating: 0, count: starts.count),
                                   count: bands.ranges.count)
        var power = [Double](repeating: 0, count: fftSize / 2 + 1)
        for (frame, start) in starts.enumerated() {
            for i in 0..<fftSize {
                fft.time[i] = i < frameLength ? Float(window[i] * signal[start + i]) : 0
            }
            fft.forward()
            for k in power.indices {
                let re = Double(fft.spectrum[2 * k]), im = Double(fft.spectrum[2 * k + 1])
                power[k] = re * re + im * im
            }
            for (band, range) in bands.ranges.enumerated() {
                var sum = 0.0
                for k in range { sum += power[k] }
                envelopes[band][frame] = sum.squareRoot()
            }
        }
        return envelopes
    }

    /// Classic STOI: per band and segment, the clean-normalised, clipped enhanced envelope is
    /// correlated with the clean envelope; the correlations are averaged.
    static func clippedCorrelation(_ x: [[Double]], _ y: [[Double]], frames: Int) -> Double {
        let clip = 1 + MetricsMath.pow(10, 15.0 / 20)
        var total = 0.0
        var xs = [Double](repeating: 0, count: segmentFrames), ys = xs
        for end in segmentFrames...frames {
            for band in x.indices {
                let start = end - segmentFrames
                var xNorm = 0.0, yNorm = 0.0
                for t in 0..<segmentFrames {
                    xNorm += x[band][start + t] * x[band][start + t]
                    yNorm += y[band][start + t] * y[band][start + t]
                }
                let scale = xNorm.squareRoot() / (yNorm.squareRoot() + epsilon)
                for t in 0..<segmentFrames {
                    xs[t] = x[band][start + t]
                    ys[t] = min(y[band][start + t] * scale, xs[t] * clip)
                }
                total += normalizedCorrelation(xs, ys)
            }
        }
        return total / Double((frames - segmentFrames + 1) * x.count)
    }

    /// ESTOI: each segment is mean- and norm-normalised along time (rows), then along
    /// frequency (columns), and the normalised segments' inner product is averaged per frame.
    static func extendedCorrelation(_ x: [[Double]], _ y: [[Double]], frames: Int) -> Double {
        var total = 0.0
        for end in segmentFrames...frames {
            let xn = rowColumnNormalized(x, start: end - segmentFrames)
            let yn = rowColumnNormalized(y, start: end - segmentFrames)
            var sum = 0.0
            for i in xn.indices { sum += xn[i] * yn[i] }
            total += sum / Double(segmentFrames)
        }
        return total / Double(frames - segmentFrames + 1)
    }

    /// A `bands × segmentFrames` segment, row-major, normalised first per band then per frame.
    /// pystoi adds ε-scale random noise before each normalisation only to avoid dividing by
    /// zero; a zero norm leaves zeros here instead, which keeps the result deterministic.
    static func rowColumnNormalized(_ envelopes: [[Double]], start: Int) -> [Double] {
        let bands = envelopes.count, n = segmentFrames
        var m = [Double](repeating: 0, count: bands * n)
        for b in 0..<bands {
            for t in 0..<n { m[b * n + t] = envelopes[b][start + t] }
            normalize(&m, indices: stride(from: b * n, to: b * n + n, by: 1))
        }
        for t in 0..<n { normalize(&m, indices: stride(from: t, to: bands * n, by: n)) }
        return m
    }

    private static func normalize(_ m: inout [Double], indices: StrideTo<Int>) {
        var mean = 0.0, count = 0.0
        for i in indices { mean += m[i]; count += 1 }
        mean /= count
        var norm = 0.0
        for i in indices { m[i] -= mean; norm += m[i] * m[i] }
        let inverse = norm > 0 ? 1 / norm.squareRoot() : 0
        for i in indices { m[i] *= inverse }
    }

    /// Pearson-style correlation with pystoi's ε in the norms.
    private static func normalizedCorrelation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var dot = 0.0, normA = 0.0, normB = 0.0
        for i in a.indices {
            let da = a[i] - meanA, db = b[i] - meanB
            dot += da * db; normA += da * da; normB += db * db
        }
        return dot / ((normA.squareRoot() + epsilon) * (normB.squareRoot() + epsilon))
    }
}
