import Foundation
import Hush
import HushAudio

/// The JSON written by `--report`: the run, the network's cost, and per-frame detail.
///
/// The per-frame detail is not held here: a `FrameLog` encodes each frame's record into a scratch
/// file as the run goes, and `write` splices it into the encoded totals (which sort around it and
/// are known only at the end). Memory does not grow with the length, and the bytes are those of
/// encoding everything at once.
struct CostReport: Encodable {
    struct Block: Encodable {
        var index: Int
        var dilation: Int
        var meanActiveFraction: Double
        var minActiveFraction: Float
        var maxActiveFraction: Float
    }

    var durationSeconds: Double
    var frames: Int
    var budget: Float
    /// The attenuation limit in dB; absent when there is none.
    var attenuationLimitDb: Float?
    var channelCap: Int
    var framesPerSecond: Double
    var denseMacsPerFrame: Int
    var denseMmacPerSecond: Double
    var executedMmacPerSecond: Double
    var savingPercent: Double
    var processingSeconds: Double
    var realTimeFactor: Double
    var blocks: [Block]
    /// The speech-activity head (absent when the model file has none).
    var speechActivity: SpeechActivity?
    /// Always empty: it marks where `write` splices in the `FrameLog`'s records.
    var perFrame: [FrameRecord] = []

    /// The model's speech-activity head over the gates: its cost and the run's mean probability.
    struct SpeechActivity: Encodable {
        /// Multiply-adds per frame of the head (2B weights and the smoothing), not in executed MACs.
        var macsPerFrame: Int
        /// Additions per frame for the mean gate scores (B·C), not in executed MACs.
        var additionsPerFrame: Int
        /// Mean speech probability over the frames run.
        var meanSpeechProbability: Double
        /// Share of frames with probability > 0.5.
        var speechFramePercent: Double
    }

    init(summary: FileDenoiseSummary, totals: NetworkTotals, network: GatedNetwork, frameLog: FrameLog) {
        let c = network.model.configuration
        speechActivity = frameLog.speechActivity(configuration: c)
        durationSeconds = summary.duration
        frames = totals.frames
        budget = network.budget
        attenuationLimitDb = network.attenuationLimit == .infinity ? nil : network.attenuationLimit
        channelCap = network.channelCap
        framesPerSecond = c.framesPerSecond
        denseMacsPerFrame = c.denseMACsPerFrame
        denseMmacPerSecond = Double(c.denseMACsPerFrame) * c.framesPerSecond / 1e6
        executedMmacPerSecond = Double(totals.executedMACs) / Double(max(totals.frames, 1)) * c.framesPerSecond / 1e6
        savingPercent = totals.saving * 100
        processingSeconds = summary.processingSeconds
        realTimeFactor = summary.realTimeFactor
        blocks = (0..<c.blocks).map { i in
            Block(index: i, dilation: c.dilations[i], meanActiveFraction: totals.meanActiveFraction(block: i),
                  minActiveFraction: totals.activeFractionMin[i], maxActiveFraction: totals.activeFractionMax[i])
        }
    }

    /// The one encoder setup, shared by the totals and each per-frame record so they splice.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// Writes the report, `frames` spliced in as `per_frame`, to a checked output (temporary file
    /// and rename for a regular file).
    func write(to output: OutputFile, frames: FrameLog) throws {
        if let problem = frames.problem { throw ValidationFailure(message: problem) }
        let totals: [UInt8]
        do {
            totals = [UInt8](try Self.encoder().encode(self))
        } catch {
            throw ValidationFailure(message: "\(output.path): cannot encode report")
        }
        // Keys are unique and no value is a string, so the empty array's key occurs once.
        guard let marker = totals.firstRange(of: Array(#""per_frame":[]"#.utf8)) else {
            throw ValidationFailure(message: "\(output.path): cannot encode report")
        }
        let split = marker.upperBound - 1  // just before the empty array's "]"
        try runReportingErrors {
            let session = try output.open()
            try session.write(Array(totals[..<split]))
            try frames.copy(to: session)
            try session.write(Array(totals[split...]) + Array("\n".utf8))
            try session.commit()
        }
    }
}

/// The per-frame records of a run, each encoded as it comes (the bytes `JSONEncoder` gives the
/// same record inside the array, comma-separated) into a scratch file: constant memory on any
/// length. Created before the run, so a report whose scratch file cannot be made fails first.
final class FrameLog {
    private let scratch: ScratchFile
    private let encoder = CostReport.encoder()
    private var count = 0
    private let path: String
    /// The first failure to record a frame, as a one-line message; later frames are dropped and
    /// `write` reports it.
    private(set) var problem: String?

    /// A log for the report `output`.
    init(for output: OutputFile) throws(AudioFileError) {
        scratch = try ScratchFile(for: output)
        path = output.path
    }

    private var speechSum = 0.0, speechFrames = 0, speechFramesAboveHalf = 0

    /// Appends one frame's record.
    func append(_ record: FrameRecord) {
        if let p = record.speechProbability {
            speechSum += Double(p)
            speechFrames += 1
            if p > 0.5 { speechFramesAboveHalf += 1 }
        }
        guard problem == nil else { return }
        do {
            if count > 0 { try scratch.append(CollectionOfOne(UInt8(ascii: ","))) }
            try scratch.append(try encoder.encode(record))
            count += 1
        } catch let error as AudioFileError {
            problem = error.description
        } catch {
            problem = "\(path): cannot encode report"
        }
    }

    /// The speech-activity summary of the frames so far; nil when none had a probability (the
    /// model has no head).
    func speechActivity(configuration c: ModelConfiguration) -> CostReport.SpeechActivity? {
        guard speechFrames > 0 else { return nil }
        return CostReport.SpeechActivity(
            macsPerFrame: c.speechHeadMACsPerFrame, additionsPerFrame: c.blocks * c.convChannels,
            meanSpeechProbability: speechSum / Double(speechFrames),
            speechFramePercent: Double(speechFramesAboveHalf) * 100 / Double(speechFrames))
    }

    /// Writes the records so far to `session`.
    func copy(to session: OutputSession) throws(AudioFileError) { try scratch.copy(to: session) }
}
