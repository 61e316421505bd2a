import CSoxr
import Hush

/// A streaming sample-rate converter for one stream of `channels` interleaved channels (usually
/// one): libsoxr's `soxr_process` API with the same HQ settings as `Resampler`, created once per
/// stream. Every channel goes through the same filter with the same timing, which is what lets
/// `DenoisePipeline` carry signals that must stay aligned through one converter. libsoxr withholds its filter's
/// leading delay itself, so output sample k lines up with input time k / outputRate, as in the
/// one-shot path; the filter's look-ahead only shows up as samples held until more input (or the
/// end of input) arrives.
public final class StreamResampler {
    /// Input rate, Hz.
    public let inputRate: Int
    /// Output rate, Hz.
    public let outputRate: Int
    /// Interleaved channels; counts below are in frames (one sample of every channel).
    public let channels: Int
    private let soxr: soxr_t

    /// Creates the converter.
    /// - Throws: `HushError.invalidConfiguration` if libsoxr rejects the rates.
    public init(from inputRate: Int, to outputRate: Int, channels: Int = 1) throws(HushError) {
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        var ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var qualitySpec = soxr_quality_spec(UInt(SOXR_HQ), 0)
        // The same HQ filter, convolved in small DFT blocks (2^8 instead of libsoxr's 2^10…2^17):
        // libsoxr holds back up to a block of input, so big blocks are latency. Measured with
        // 16 ms pushes, the look-ahead held per direction drops from 21 ms mean / 37 ms max to
        // 11 / 15 ms at 48 kHz and from 24–32 / 40–58 ms to 12–16 / 17–26 ms at 44.1 kHz.
        var runtimeSpec = soxr_runtime_spec(1)
        runtimeSpec.log2_min_dft_size = Self.log2DFTSize
        runtimeSpec.log2_large_dft_size = Self.log2DFTSize
        var error: soxr_error_t?
        let created = soxr_create(Double(inputRate), Double(outputRate), UInt32(channels), &error, &ioSpec, &qualitySpec,
                                  &runtimeSpec)
        guard let created, error == nil else {
            if let created { soxr_delete(created) }
            throw .invalidConfiguration("cannot resample \(inputRate) Hz to \(outputRate) Hz")
        }
        soxr = created
    }

    deinit { soxr_delete(soxr) }

    /// log2 of libsoxr's DFT block size (see `init`).
    static let log2DFTSize: UInt32 = 8

    /// The most input, in seconds, that this conversion holds back (its look-ahead) when fed
    /// `chunk` samples at a time: measured on a fresh converter over one second of silence.
    public static func lookAheadSeconds(from inputRate: Int, to outputRate: Int, chunk: Int) -> Double {
        guard let probe = try? StreamResampler(from: inputRate, to: outputRate), chunk > 0 else { return 0 }
        let silence = [Float](repeating: 0, count: chunk)
        var scratch = [Float](repeating: 0, count: probe.outputCapacity(forInputCount: chunk))
        var fed = 0, produced = 0, held = 0.0
        silence.withUnsafeBufferPointer { input in
            scratch.withUnsafeMutableBufferPointer { out in
                while fed < inputRate {
                    _ = probe.process(input, scratch: out) { produced += $0.count; return true }
                    fed += chunk
                    let expected = Double(fed) * Double(outputRate) / Double(inputRate)
                    held = max(held, (expected - Double(produced)) / Double(outputRate))
                }
            }
        }
        return held
    }

    /// The most output frames `count` input frames can yield at once (with what libsoxr holds).
    public func outputCapacity(forInputCount count: Int) -> Int {
        (count * outputRate + inputRate - 1) / inputRate + 64
    }

    /// Converts all of `input` (interleaved frames); hands the output to `sink` in pieces (at most
    /// `scratch.count / channels` frames at once). Pass nil `input` to signal the end of the
    /// stream and drain what libsoxr holds.
    /// - Returns: false if `sink` asked to stop.
    public func process(_ input: UnsafeBufferPointer<Float>?, scratch: UnsafeMutableBufferPointer<Float>,
                        sink: (UnsafeBufferPointer<Float>) -> Bool) -> Bool {
        var offset = 0  // frames
        let total = (input?.count ?? 0) / channels
        let room = scratch.count / channels
        if input != nil && total == 0 { return true }  // nothing to do; nil would mean "end"
        while true {
            var consumed = 0
            var produced = 0
            if let input, let base = input.baseAddress {
                _ = soxr_process(soxr, base + offset * channels, total - offset, &consumed,
                                 scratch.baseAddress, room, &produced)
            } else {
                _ = soxr_process(soxr, nil, 0, &consumed, scratch.baseAddress, room, &produced)
            }
            offset += consumed
            if produced > 0, !sink(UnsafeBufferPointer(rebasing: scratch[0..<(produced * channels)])) { return false }
            // Done when the input is used up and libsoxr had no more to give than there was room for.
            if offset >= total && produced < room { return true }
        }
    }
}
