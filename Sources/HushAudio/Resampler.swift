import CSoxr

/// Sample-rate conversion with libsoxr (high quality, linear phase, delay-compensated).
///
/// libsoxr is chosen over libsamplerate because its one-shot call compensates its own filter
/// delay (output sample k lines up with input time k / outputRate), its HQ setting keeps aliasing
/// below −100 dB at a fraction of libsamplerate's "best" cost, and Debian ships it as `libsoxr-dev`.
public enum Resampler {
    /// Resamples mono `samples` from `inputRate` to `outputRate`.
    /// - Returns: exactly `outputLength` samples (default `round(n·outputRate/inputRate)`); the
    ///   resampler's own output is padded with zeros or trimmed by at most a sample or two.
    public static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int,
                                outputLength: Int? = nil) throws(AudioFileError) -> [Float] {
        let target = outputLength
            ?? Int((Double(samples.count) * Double(outputRate) / Double(inputRate)).rounded())
        if inputRate == outputRate {
            var copy = samples
            copy.count < target
                ? copy.append(contentsOf: repeatElement(0, count: target - copy.count))
                : copy.removeLast(copy.count - target)
            return copy
        }
        var output = [Float](repeating: 0, count: target + 64)
        var ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var qualitySpec = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var consumed = 0
        var produced = 0
        let status = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                soxr_oneshot(Double(inputRate), Double(outputRate), 1,
                             input.baseAddress, input.count, &consumed,
                             out.baseAddress, out.count, &produced,
                             &ioSpec, &qualitySpec, nil)
            }
        }
        if let status {
            throw .resampling(reason: String(cString: status))
        }
        output.removeLast(output.count - min(produced, target))
        if output.count < target {
            output.append(contentsOf: repeatElement(0, count: target - output.count))
        }
        return output
    }
}
