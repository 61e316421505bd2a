import CHush
import Foundation
import Hush
import Testing

/// `hush_frame_stats.speech_probability` (appended last in include/hush.h) on the committed tiny
/// models with and without a speech-activity head (Tests/HushTests/Network/Fixtures).
@Suite("C API: speech probability")
struct SpeechProbabilityTests {
    static func bytes(_ name: String) throws -> [UInt8] {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/Tests/HushTests/Network/Fixtures/" + name
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Runs 2048 samples of speech through a C state over `model`; returns the stats before and after.
    static func run(_ model: [UInt8]) throws -> (before: CFrameStats, after: CFrameStats) {
        var state: OpaquePointer?
        #expect(model.withUnsafeBufferPointer { hush_create($0.baseAddress, UInt($0.count), &state) } == CAPITests.ok)
        let s = try #require(state)
        defer { hush_destroy(s) }
        var before = CFrameStats(speechProbability: 99), after = CFrameStats()
        #expect(hush_get_last_frame_stats(s, &before) == CAPITests.ok)
        let speech = Array(try CAPITests.speech()[8000..<10_048])
        var out = [Float](repeating: 0, count: 4096)
        var written: UInt = 0
        #expect(speech.withUnsafeBufferPointer { hush_process(s, $0.baseAddress, 2048, &out, 4096, &written) } == CAPITests.ok)
        #expect(hush_get_last_frame_stats(s, &after) == CAPITests.ok)
        return (before, after)
    }

    @Test("the field sits at the offset the header gives it (after frames, at 32)")
    func layout() {
        #expect(MemoryLayout<CFrameStats>.offset(of: \.speechProbability) == 32)
    }

    @Test("with a head: the engine's probability; without one, or before any frame: -1")
    func probability() throws {
        let head = try Self.run(try Self.bytes("vad_tiny.hush"))
        #expect(head.before.speechProbability == -1 && head.before.frames == 0)
        #expect(head.after.frames == 8)
        // The same frames through the Swift engine give the same number.
        let network = try GatedNetwork(model: try Model.load(try Self.bytes("vad_tiny.hush")))
        let denoiser = try Denoiser(configuration: network.model.configuration.stft, stage: network)
        let speech = Array(try CAPITests.speech()[8000..<10_048])
        var out = [Float](repeating: 0, count: 4096)
        _ = try speech.withUnsafeBufferPointer { i in
            try out.withUnsafeMutableBufferPointer { try denoiser.process(i, into: $0) }
        }
        #expect(network.totals.frames == 8)
        #expect(head.after.speechProbability > 0 && head.after.speechProbability < 1)
        #expect(head.after.speechProbability == network.lastFrame.speechProbability)
        let noHead = try Self.run(try Self.bytes("vad_tiny_nohead.hush"))
        #expect(noHead.after.frames == 8 && noHead.after.speechProbability == -1)
    }
}
