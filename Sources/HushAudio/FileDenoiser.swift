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
    /// Seconds spent resampling to the model rate and back (zero when rates match).
    public var resamplingSeconds: Double

    /// Input samples replaced because they were NaN, infinite or absurdly large.
    public var sanitizedSamples: Int = 0
    /// The network's totals (nil for a pass-through run).
    public var network: NetworkTotals?
    /// Per-frame statistics, when asked for (empty otherwise).
    public var frameRecords: [FrameRecord] = []

    /// `processingSeconds / duration`.
    public var realTimeFactor: Double { duration > 0 ? processingSeconds / duration : 0 }
}

/// One frame's cost and channel activity, for per-frame reports.
public struct FrameRecord: Sendable, Codable {
    /// Executed MACs, gates included.
    public var executedMacs: Int
    /// Active fraction over all gated blocks.
    public var activeFraction: Float
    /// Active channels in each gated block.
    public var activePerBlock: [Int]
}

/// Denoises one audio file into another: read (any libsndfile format), downmix to mono, resample
/// to the model rate, denoise, resample back, write atomically. Output length equals input length.
public enum FileDenoiser {
    /// Runs the whole job.
    /// - Parameters:
    ///   - output: where to write, checked by `OutputPlan` before any work. When it replaces the
    ///     input (`--overwrite` in place) a 16-bit request keeps the input's format and subtype.
    /// - Throws: `AudioFileError` for any input or output problem; nothing is written then.
    public static func run(inputPath: String, output: OutputFile, denoiser: Denoiser,
                           encoding: OutputEncoding = .pcm16,
                           recordFrames: Bool = false) throws(AudioFileError) -> FileDenoiseSummary {
        let audio = try AudioReader.read(path: inputPath)
        var mono = audio.downmixedToMono()
        // Before resampling: the resampler would smear one NaN over its whole filter length.
        let sanitized = mono.withUnsafeMutableBufferPointer { SampleSanitizer.clean($0) }
        let modelRate = denoiser.configuration.sampleRate

        let clock = ContinuousClock()
        var resampling = Duration.zero
        var start = clock.now
        let atModelRate = try Resampler.resample(mono, from: audio.sampleRate, to: modelRate)
        resampling += clock.now - start

        var records: [FrameRecord] = []
        let network = denoiser.network
        if recordFrames, network != nil {
            records.reserveCapacity(atModelRate.count / denoiser.configuration.hop + 4)
        }
        start = clock.now
        let cleaned: [Float]
        if recordFrames, let network {
            cleaned = denoiser.denoise(atModelRate) { _ in
                let blocks = network.model.configuration.blocks
                records.append(FrameRecord(
                    executedMacs: network.lastFrame.executedMACs,
                    activeFraction: network.lastFrame.activeFraction,
                    activePerBlock: (0..<blocks).map { network.lastActiveChannels(block: $0).count }))
            }
        } else {
            cleaned = denoiser.denoise(atModelRate)
        }
        let processing = clock.now - start
        let frames = denoiser.framesProcessed

        start = clock.now
        let restored = try Resampler.resample(cleaned, from: modelRate, to: audio.sampleRate,
                                            outputLength: mono.count)
        resampling += clock.now - start

        let format = output.replacesInput && encoding == .pcm16
            ? AudioFileFormat(code: audio.fileFormat)
            : try AudioFileFormat(path: output.path, encoding: encoding)
        let writer = try AudioFileWriter(output: output, format: format, sampleRate: audio.sampleRate, channels: 1)
        try restored.withUnsafeBufferPointer { (samples) throws(AudioFileError) in try writer.write(samples) }
        try writer.commit()
        return FileDenoiseSummary(
            inputRate: audio.sampleRate, inputChannels: audio.channels, sampleCount: mono.count,
            duration: audio.duration, frames: frames,
            latencyMilliseconds: denoiser.configuration.latencyMilliseconds,
            processingSeconds: processing.seconds, resamplingSeconds: resampling.seconds,
            sanitizedSamples: sanitized, network: network?.totals, frameRecords: records)
    }
}

extension Duration {
    /// The duration in seconds as a floating-point value.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
