import Foundation
import HushAudio
import Testing

/// How a batch names its outputs and finds its inputs.
@Suite("Batch plan")
struct BatchPlanTests {
    @Test("{ext} keeps a writable extension, else wav; float output never gets flac")
    func outputNames() {
        #expect(BatchPlan.outputName(of: "a/talk.WAV", pattern: "{stem}.{ext}", encoding: .pcm16) == "talk.WAV")
        #expect(BatchPlan.outputName(of: "talk.flac", pattern: "{stem}-denoised.{ext}", encoding: .pcm16) == "talk-denoised.flac")
        #expect(BatchPlan.outputName(of: "talk.flac", pattern: "{stem}.{ext}", encoding: .float32) == "talk.wav")
        #expect(BatchPlan.outputName(of: "talk.ogg", pattern: "{stem}.{ext}", encoding: .pcm16) == "talk.wav")
        #expect(BatchPlan.outputName(of: "x.y.mp3", pattern: "{stem}.{ext}", encoding: .pcm16) == "x.y.wav")
    }

    @Test("a missing input is refused by name; a file named directly is taken whatever its extension")
    func items() throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: AudioFileError.notFound(path: dir + "/nope")) {
            try BatchPlan.items(inputs: [dir + "/nope"], outputDirectory: dir + "/out")
        }
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/data.bin"))
        let items = try BatchPlan.items(inputs: [dir + "/data.bin"], outputDirectory: dir + "/out")
        #expect(items == [BatchItem(input: dir + "/data.bin", output: dir + "/out/data.wav", bytes: 1)])
    }
}
