import Foundation
import Hush
import HushAudio
@testable import hush
import Testing

/// `--report`'s per-frame array is streamed through a scratch file and spliced into the totals;
/// the file must hold the bytes that encoding the whole report at once gives.
@Suite("hush denoise --report (streamed per-frame detail)")
struct CostReportTests {
    @Test("the streamed report is byte for byte the report encoded in one piece", arguments: [Float(1), 0.25])
    func splice(budget: Float) throws {
        let dir = NSTemporaryDirectory() + "hush-report-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = DenoiseCommandTests.noisy, report = dir + "/r.json"
        let outputs = try OutputPlan.check(inputs: [input], outputs: [.init(dir + "/out.wav"), .init(report)],
                                           overwrite: false)
        let denoiser = try Denoiser(model: .bundled(), budget: budget)
        let network = try #require(denoiser.network)
        let log = try FrameLog(for: outputs[1])
        var kept: [FrameRecord] = []
        let summary = try FileDenoiser.run(inputPath: input, output: outputs[0], denoiser: denoiser,
                                           onFrameRecord: { log.append($0); kept.append($0) })
        let totals = try #require(summary.network)
        let cost = CostReport(summary: summary, totals: totals, network: network, frameLog: log)
        try cost.write(to: outputs[1], frames: log)
        var whole = cost
        whole.perFrame = kept
        let expected = try CostReport.encoder().encode(whole) + Data("\n".utf8)
        #expect(kept.count == totals.frames && kept.count > 100)
        #expect(try Data(contentsOf: URL(fileURLWithPath: report)) == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["out.wav", "r.json"])
    }
}
