import Foundation
import Hush

/// The band between the model's Nyquist frequency (8 kHz) and the stream's, which the network
/// never sees: what `DenoisePipeline` adds back at 44.1/48 kHz so that speech comes back full-band,
/// scaled frame by frame by the gain the model gave its own top band.
///
/// The high band is the input minus its round trip through the model rate, `x − down(up(x))`, so
/// that with a gain of 1 and a transparent network the output is the input again (no notch and no
/// bump at the crossover, whatever the resampler's transition band). `down(up(x))` must be
/// computed with exactly the denoiser output's filtering and timing, so it travels through the
/// same downsampler as the denoised signal, as a third channel beside it and beside the gain track:
/// each model-rate frame `(denoised, gain, model-rate input delayed like the denoiser)` is
/// interleaved here, converted together, and recombined on the stream side as
/// `denoised + gain · (input − round trip)`.
///
/// The gain is the one the network applied to 6–8 kHz in the frame as a whole (energy-weighted,
/// the attenuation limit included: `GatedNetwork.lastBandGain`), cross-faded from the previous frame's over each output hop with the rising half of
/// the Hann window that overlap-add gives that hop, the way the frames themselves blend. It
/// follows the model's decision rather than inventing one: noise-only frames lose as much above
/// 8 kHz as just below it, and fricatives, which the model keeps at 6–8 kHz, keep their top.
final class HighBand {
    /// Channels through the downsampler: denoised, gain, round-trip input.
    static let channels = 3
    /// The model band whose gain decides the high band's, Hz.
    static let decidingBand = 6_000.0..<8_000.0

    /// The model's bins in `decidingBand`.
    let bins: Range<Int>
    private let modelDelay: Int
    private let input: SampleRing       // stream rate, after the DC blocker
    private let modelInput: SampleRing  // model rate: what the denoiser was fed
    private let fade: UnsafeMutablePointer<Float>
    private let hop: Int
    private var previousGain: Float = 1

    /// Sized for `configuration` at stream `rate`, with `extraDelay` stream samples by which the
    /// output trails the input beyond what the pipeline measures (its leading silence).
    init(configuration: STFTConfiguration, rate: Int, extraDelay: Int) {
        let binHz = Double(configuration.sampleRate) / Double(configuration.frameLength)
        bins = Int((Self.decidingBand.lowerBound / binHz).rounded(.up))
            ..< Int((Self.decidingBand.upperBound / binHz).rounded(.up))
        modelDelay = configuration.outputDelay
        hop = configuration.hop
        // Output waits for input by well under 0.1 s (hop, STFT delay, both resamplers' look-ahead:
        // 63 ms at most, measured at 48 kHz); half a second of history is ample.
        input = SampleRing(minimumCapacity: rate / 2 + extraDelay + configuration.hop)
        modelInput = SampleRing(minimumCapacity: configuration.frameLength + 2 * configuration.hop)
        fade = .allocate(capacity: hop)
        for i in 0..<hop {
            let s = sin(Double.pi * (Double(i) + 0.5) / Double(2 * hop))
            fade[i] = Float(s * s)
        }
    }

    deinit { fade.deallocate() }

    /// Remembers stream-rate input (after the DC blocker), in order.
    func recordInput(_ samples: UnsafeBufferPointer<Float>) { input.append(samples) }

    /// Remembers the model-rate samples fed to the denoiser, in order.
    func recordModelInput(_ samples: UnsafeBufferPointer<Float>) { modelInput.append(samples) }

    /// Interleaves one frame's denoiser output (model-rate output indices `firstIndex…`, at most a
    /// hop) with its gain track and the input it came from (`modelDelay` samples earlier) into
    /// `frames` (`channels` × `output.count`).
    func interleave(output: UnsafeBufferPointer<Float>, firstIndex: Int, gain: Float,
                    into frames: UnsafeMutablePointer<Float>) {
        for i in output.indices {
            let w = fade[min(i, hop - 1)]
            frames[Self.channels * i] = output[i]
            // Carried as the gain's distance from 1, so that the silence the converter assumes
            // before the first sample and after the last is a gain of 1, not a step to 0 that
            // would ring.
            frames[Self.channels * i + 1] = previousGain + w * (gain - previousGain) - 1
            frames[Self.channels * i + 2] = modelInput[firstIndex + i - modelDelay]
        }
        previousGain = gain
    }

    /// Recombines converted frames whose first one lines up with stream input sample
    /// `firstInputIndex` into mono output: `denoised + gain · (input − round trip)`, kept within
    /// ±`limit`.
    func combine(_ frames: UnsafeBufferPointer<Float>, firstInputIndex: Int, limit: Float,
                 into output: UnsafeMutablePointer<Float>) -> Int {
        let count = frames.count / Self.channels
        for j in 0..<count {
            let denoised = frames[Self.channels * j]
            let gain = min(max(1 + frames[Self.channels * j + 1], 0), 1)  // the converter can ring past 0…1
            let roundTrip = frames[Self.channels * j + 2]
            let sample = denoised + gain * (input[firstInputIndex + j] - roundTrip)
            output[j] = min(max(sample, -limit), limit)
        }
        return count
    }
}

/// The last samples of a stream, by absolute index: a power-of-two ring written once per sample
/// and read at most `capacity` samples back.
final class SampleRing {
    private let storage: UnsafeMutablePointer<Float>
    private let mask: Int
    /// Samples appended so far (the next index).
    private(set) var written = 0

    /// A ring holding at least `minimumCapacity` samples.
    init(minimumCapacity: Int) {
        var capacity = 1
        while capacity < minimumCapacity { capacity <<= 1 }
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: 0, count: capacity)
        mask = capacity - 1
    }

    deinit { storage.deallocate() }

    /// Appends `samples`.
    func append(_ samples: UnsafeBufferPointer<Float>) {
        for sample in samples {
            storage[written & mask] = sample
            written += 1
        }
    }

    /// Sample `index` of the stream; 0 before its start and past what was written.
    subscript(index: Int) -> Float {
        guard index >= 0, index < written else { return 0 }
        // The pipeline sizes the ring from its worst-case latency; reading further back would be a bug.
        precondition(index >= written - (mask + 1), "SampleRing read \(written - index) samples back")
        return storage[index & mask]
    }
}
