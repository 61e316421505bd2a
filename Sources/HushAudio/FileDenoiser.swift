import Foundation
import Hush

/// What a whole-file denoise run did, for the CLI's summary line.
public struct FileDenoiseSummary: Sendable {
    /// The input file's rate, Hz.
    public var inputRate: Int
    /// The input file's channel count (the output is mono when this is above one).
    public var inputChannels: Int
    /// Samples per channel in the input, equal to the output's length.
    public var sampleCount: Int
    /// Seconds of audio.
    public var duration: Double
    /// STFT frames run (flush frames included).
    public var frames: Int
    /// Algorithmic latency, milliseconds.
    public var latencyMilliseconds: Double
    /// Seconds spent in the denoiser itself (not file I/O nor resampling).
    public var processingSeconds: Double
    /// Seconds of the whole run: opening, reading, downmixing, resampling, denoising, writing.
    public var totalSeconds: Double = 0
    /// Seconds spent reading and decoding the input (libsndfile).
    public var readingSeconds: Double = 0
    /// Seconds spent encoding and writing the output (libsndfile), the final rename included.
    public var writingSeconds: Double = 0
    /// The rest of the run: downmix, sanitizing, resampling to the model rate and back, setup.
    public var otherSeconds: Double { max(0, totalSeconds - processingSeconds - readingSeconds - writingSeconds) }

    /// Input samples replaced because they were NaN, infinite or absurdly large.
    public var sanitizedSamples: Int = 0
    /// Output samples beyond full scale: clipped (integer output) or kept (float output).
    public var samplesAboveFullScale = 0
    /// Whether the output format kept samples above full scale (float) rather than clipping them.
    public var keptAboveFullScale = false
    /// The network's totals (nil for a pass-through run).
    public var network: NetworkTotals?

    /// `processingSeconds / duration`: the network's real-time factor.
    public var realTimeFactor: Double { duration > 0 ? processingSeconds / duration : 0 }
    /// `totalSeconds / duration`: the whole run's real-time factor.
    public var totalRealTimeFactor: Double { duration > 0 ? totalSeconds / duration : 0 }
}

/// One frame's cost and channel activity, for per-frame reports.
public struct FrameRecord: Sendable, Codable {
    /// Executed MACs, gates included.
    public var executedMacs: Int
    /// Active fraction over all gated blocks.
    public var activeFraction: Float
    /// Active channels in each gated block.
    public var activePerBlock: [Int]
    /// Speech probability from the model's speech-activity head; nil (omitted from JSON) when the
    /// model has none.
    public var speechProbability: Float?
}

/// Denoises one audio file into another in constant memory: read blocks (any libsndfile format),
/// downmix to mono, and push them through a `DenoisePipeline` (resampling to the model rate and
/// back, delay compensation: the same path as `hush stream`) into a block writer. Output length
/// equals input length; peak memory does not depend on it.
/// How a file is written: the options of `hush denoise`, for one file or each of a batch.
public struct FileDenoiseOptions: Sendable {
    /// Sample encoding of the outputs.
    public var encoding: OutputEncoding
    /// TPDF dither before rounding to an integer format.
    public var dithers: Bool
    /// Run the DC blocker (see `DenoisePipeline`).
    public var removesDC: Bool
    /// Keep the band above the model's Nyquist frequency (see `DenoisePipeline`).
    public var fullBand: Bool

    /// The options (defaults: 16-bit, no dither, DC blocker on, full band).
    public init(encoding: OutputEncoding = .pcm16, dithers: Bool = false, removesDC: Bool = true,
                fullBand: Bool = true) {
        self.encoding = encoding
        self.dithers = dithers
        self.removesDC = removesDC
        self.fullBand = fullBand
    }
}

public enum FileDenoiser {
    /// Runs the whole job.
    /// - Parameters:
    ///   - output: where to write, checked by `OutputPlan` before any work. When it replaces the
    ///     input (`--overwrite` in place) a 16-bit request keeps the input's format and subtype.
    ///   - onFrameRecord: called with each network frame's statistics, in order, as it runs (for a
    ///     per-frame report; the caller streams them somewhere rather than keeping them, so memory
    ///     does not grow with the length). Not called for a pass-through run.
    ///   - options: encoding, dither, DC blocker and full band (`FileDenoiseOptions`).
    /// - Throws: `AudioFileError` for any input or output problem; nothing is written then.
    public static func run(inputPath: String, output: OutputFile, denoiser: Denoiser,
                           options: FileDenoiseOptions = FileDenoiseOptions(),
                           onFrameRecord: ((FrameRecord) -> Void)? = nil) throws(AudioFileError) -> FileDenoiseSummary {
        let encoding = options.encoding
        let clock = ContinuousClock()
        let begin = clock.now
        let reader = try AudioFileReader(path: inputPath)
        let format = output.replacesInput && encoding == .pcm16
            ? AudioFileFormat(code: reader.format)
            : try AudioFileFormat(path: output.path, encoding: encoding)
        let pipeline: DenoisePipeline
        do {
            pipeline = try DenoisePipeline(denoiser: denoiser, rate: reader.sampleRate, removesDC: options.removesDC,
                                           fullBand: options.fullBand)
        } catch {
            throw .resampling(reason: error.description)
        }
        let writer = try AudioFileWriter(output: output, format: format, sampleRate: reader.sampleRate,
                                         channels: 1, dithers: options.dithers)

        let channels = reader.channels
        let network = denoiser.network
        let blocks = network?.model.configuration.blocks ?? 0
        var processing = 0.0, reading = Duration.zero, writing = Duration.zero
        var writeError: AudioFileError?
        func onFrame(_ seconds: Double) {
            processing += seconds
            if let onFrameRecord, let network {
                onFrameRecord(FrameRecord(
                    executedMacs: network.lastFrame.executedMACs,
                    activeFraction: network.lastFrame.activeFraction,
                    activePerBlock: (0..<blocks).map { network.lastActiveChannels(block: $0).count },
                    speechProbability: network.lastFrame.speechProbability >= 0
                        ? network.lastFrame.speechProbability : nil))
            }
        }
        func emit(_ samples: UnsafeBufferPointer<Float>) -> Bool {
            let start = clock.now
            defer { writing += clock.now - start }
            do throws(AudioFileError) {
                try writer.write(samples)
                return true
            } catch {
                writeError = error
                return false
            }
        }
        if try pipeline.push(reading: reader, readingTime: &reading, onFrame: onFrame, emit: emit) {
            pipeline.finish(onFrame: onFrame, emit: emit)
        }
        if let writeError { throw writeError }
        guard pipeline.inputSamples > 0 else { throw .empty(path: inputPath) }
        let start = clock.now
        try writer.commit()
        writing += clock.now - start
        let count = pipeline.inputSamples
        var summary = FileDenoiseSummary(
            inputRate: reader.sampleRate, inputChannels: channels, sampleCount: count,
            duration: Double(count) / Double(reader.sampleRate), frames: denoiser.framesProcessed,
            latencyMilliseconds: denoiser.configuration.latencyMilliseconds,
            processingSeconds: processing,
            sanitizedSamples: pipeline.sanitizedSamples, network: network?.totals)
        summary.samplesAboveFullScale = writer.samplesAboveFullScale
        summary.keptAboveFullScale = writer.keepsAboveFullScale
        summary.readingSeconds = reading.seconds
        summary.writingSeconds = writing.seconds
        summary.totalSeconds = (clock.now - begin).seconds
        return summary
    }
}

/// Averaging channels into one.
public enum Downmix {
    /// Writes the mean of `channels` interleaved channels of `frames` frames into `mono` (the
    /// channels summed in order, times 1/channels: every path downmixes with these same bits).
    public static func mono(_ interleaved: UnsafeBufferPointer<Float>, frames: Int, channels: Int,
                            into mono: UnsafeMutablePointer<Float>) {
        guard channels > 1 else {
            mono.update(from: interleaved.baseAddress!, count: frames)
            return
        }
        let scale = 1 / Float(channels)
        for frame in 0..<frames {
            var sum: Float = 0
            for c in 0..<channels { sum += interleaved[frame * channels + c] }
            mono[frame] = sum * scale
        }
    }
}

extension Duration {
    /// The duration in seconds as a floating-point value.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
