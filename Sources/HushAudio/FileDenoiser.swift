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
    ///   - overwrite: allow `outputPath` to name the input file (it is then replaced atomically).
    /// - Throws: `AudioFileError` for any input or output problem; nothing is written then.
    public static func run(inputPath: String, outputPath: String, denoiser: Denoiser,
                           encoding: OutputEncoding = .pcm16, overwrite: Bool = false,
                           recordFrames: Bool = false) throws(AudioFileError) -> FileDenoiseSummary {
        if !overwrite, FileIdentity.sameFile(inputPath, outputPath) {
            throw .wouldOverwriteInput(path: outputPath)
        }
        try FileIdentity.checkWritableDestination(outputPath)
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
        let output = try Resampler.resample(cleaned, from: modelRate, to: audio.sampleRate,
                                            outputLength: mono.count)
        resampling += clock.now - start

        try AudioWriter.write(AudioBuffer(samples: output, channels: 1, sampleRate: audio.sampleRate),
                              to: outputPath, encoding: encoding)
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

/// Path checks made before any work, so that a bad destination fails fast.
enum FileIdentity {
    /// True when both paths name one existing file (symlinks and hard links included).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Fails unless the destination's directory exists and is writable, and the destination is
    /// not a directory.
    static func checkWritableDestination(_ path: String) throws(AudioFileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
           isDirectory.boolValue {
            throw .unwritable(path: path, reason: "is a directory")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw .unwritable(path: path, reason: "directory \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw .unwritable(path: path, reason: "directory \(directory) is not writable")
        }
    }
}
