import Foundation
import HushAudio
import Testing

/// The speech-activity head as a user meets it: `hush denoise --vad`, the cost report's
/// `speech_activity`, and `hush stream --stats`, on the committed tiny model with a head
/// (Tests/HushTests/Network/Fixtures, written by training/vad_fixture.py) and the same model
/// without one.
@Suite("Speech activity on the command line", .serialized)
struct SpeechActivityCommandTests {
    static func fixture(_ name: String) -> String {
        DenoiseCommandTests.repositoryRoot + "/Tests/HushTests/Network/Fixtures/" + name
    }

    @Test("--vad writes time_s,speech_probability per frame; --report carries the head's cost")
    func vadFile() throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav", csv = dir + "/vad.csv", report = dir + "/cost.json"
        let r = try DenoiseCommandTests.hush(["denoise", "--model", Self.fixture("vad_tiny.hush"), "--vad", csv,
                                              "--report", report, DenoiseCommandTests.noisy, out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "time_s,speech_probability")
        let rows = lines.dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } }
        // 40 000 samples at 16 kHz: frame centres 0, 16, …, 2496 ms (157 frames); the flush frame is left out.
        #expect(rows.count == 157 && rows.allSatisfy { $0.count == 2 })
        #expect(rows.first?[0] == 0 && rows.last?[0] == 2.496)
        #expect(rows.allSatisfy { $0[1] > 0 && $0[1] < 1 })
        #expect(Set(rows.map { $0[1] }).count > 20)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let head = try #require(json?["speech_activity"] as? [String: Any])
        #expect(head["macs_per_frame"] as? Int == 7)  // 2B + 1, B = 3
        let perFrame = try #require(json?["per_frame"] as? [[String: Any]])
        #expect(perFrame.allSatisfy { ($0["speech_probability"] as? Double).map { $0 > 0 && $0 < 1 } == true })
    }

    @Test("a resampled input: one row per 16 ms up to its end, none from the flush")
    func resampledInput() throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = DenoiseCommandTests.repositoryRoot + "/audio-fixtures/real-speech-48k.flac"
        let reader = try AudioFileReader(path: input)
        let duration = Double(reader.declaredFrames) / Double(reader.sampleRate)
        let csv = dir + "/vad.csv"
        let r = try DenoiseCommandTests.hush(["denoise", "--model", Self.fixture("vad_tiny.hush"), "--vad", csv,
                                              input, dir + "/out.wav"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let times = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
            .compactMap { $0.split(separator: ",").first.flatMap { Double($0) } }
        // Frame t's centre is 16 t ms: every centre before the end, and no more (more than the
        // 64 rows the file holds back, so both sides of the hold-back are exercised).
        #expect(times.count == Int((duration / 0.016).rounded(.up)) && times.count > 64)
        #expect(times.enumerated().allSatisfy { abs($0.element - Double($0.offset) * 0.016) < 1e-9 })
    }

    @Test("a reader that closes the --vad pipe ends the run with SIGPIPE's status and no file left behind")
    func brokenPipe() throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DenoiseCommandTests.executable)
        process.arguments = ["denoise", "--model", Self.fixture("vad_tiny.hush"), "--vad", "-",
                             DenoiseCommandTests.noisy, dir + "/out.wav"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read the header (written before the audio output is opened), then close: the first
        // row comes mid-run, while the audio output's temporary file exists.
        #expect(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("time_s,"))
        try out.fileHandleForReading.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGPIPE)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    }

    @Test("a model without a head: --vad is refused before any output; the report has no speech_activity")
    func noHead() throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav", csv = dir + "/vad.csv", report = dir + "/cost.json"
        let model = Self.fixture("vad_tiny_nohead.hush")
        DenoiseCommandTests.expectFailure(
            try DenoiseCommandTests.hush(["denoise", "--model", model, "--vad", csv, DenoiseCommandTests.noisy, out]),
            output: out, mentioning: "no speech-activity head")
        #expect(!FileManager.default.fileExists(atPath: csv))
        let r = try DenoiseCommandTests.hush(["denoise", "--model", model, "--report", report, DenoiseCommandTests.noisy, out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect(json?["speech_activity"] == nil && json?["per_frame"] != nil)
    }

    @Test("hush stream --stats prints the speech probability when the model has a head")
    func streamStats() throws {
        let input = try Data(contentsOf: URL(fileURLWithPath: DenoiseCommandTests.noisy)).suffix(19_200)
        let with = try StreamRun.run(["--stats", "--model", Self.fixture("vad_tiny.hush")], input: input)
        #expect(with.status == 0)
        let lines = with.stderr.split(separator: "\n").filter { $0.hasPrefix("frame ") }
        #expect(lines.count > 30 && lines.allSatisfy { $0.contains(" speech 0.") && $0.contains(" time ") })
        let without = try StreamRun.run(["--stats", "--model", Self.fixture("vad_tiny_nohead.hush")], input: input)
        #expect(without.status == 0)
        let plain = without.stderr.split(separator: "\n").filter { $0.hasPrefix("frame ") }
        #expect(plain.count == lines.count && !plain.contains { $0.contains(" speech ") })
    }
}
