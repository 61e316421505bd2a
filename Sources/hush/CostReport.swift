import Foundation
import Hush
import HushAudio

/// The JSON written by `--report`: the run, the network's cost, and per-frame detail.
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
    var perFrame: [FrameRecord]

    init(summary: FileDenoiseSummary, totals: NetworkTotals, network: GatedNetwork) {
        let c = network.model.configuration
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
        perFrame = summary.frameRecords
    }

    /// Writes the report to a checked output (temporary file and rename for a regular file).
    func write(to output: OutputFile) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let bytes: Data
        do {
            bytes = try encoder.encode(self)
        } catch {
            throw ValidationFailure(message: "\(output.path): cannot encode report")
        }
        try runReportingErrors { try output.write(bytes + Data("\n".utf8)) }
    }
}
