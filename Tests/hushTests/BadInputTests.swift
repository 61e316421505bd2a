import Foundation
import HushAudio
import Testing

/// Every case of the bad-input corpus (BadInput/make_corpus.py) through `hush denoise`, with the
/// outcome expected.tsv records: a clean output of a known length, or a specific one-line error.
@Suite("Bad-input corpus", .serialized)
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var expectation: String
        var testDescription: String { file }
    }

    static let folder = DenoiseCommandTests.repositoryRoot + "/Tests/hushTests/BadInput"

    static let cases: [Case] = {
        let text = (try? String(contentsOfFile: folder + "/expected.tsv", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return Case(file: parts[0], expectation: parts[1])
        }
    }()

    @Test("the corpus is present")
    func corpusPresent() { #expect(Self.cases.count >= 20) }

    @Test("each case gives its expected outcome", arguments: cases)
    func outcome(_ c: Case) throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav"
        let r = try DenoiseCommandTests.hush(["denoise", "--float", Self.folder + "/corpus/" + c.file, out])
        let words = c.expectation.split(separator: " ", maxSplits: 1).map(String.init)
        if words[0] == "ok" {
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let audio = try AudioReader.read(path: out)
            #expect(audio.frameCount == Int(words[1]))
            // --float keeps samples above full scale (a full-scale square rings a little past 1);
            // the input sanitizer's limit (1000) bounds them, and nothing is NaN or infinite.
            #expect(audio.samples.allSatisfy { $0.isFinite && abs($0) <= 1000 })
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.wav"])
        } else {
            DenoiseCommandTests.expectFailure(r, output: out, mentioning: words[1])
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        }
    }

    @Test("a directory, a dangling symlink and a missing directory are refused")
    func paths() throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav"
        DenoiseCommandTests.expectFailure(try DenoiseCommandTests.hush(["denoise", dir, out]),
                                          output: out, mentioning: "is a directory")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.wav", withDestinationPath: dir + "/gone.wav")
        DenoiseCommandTests.expectFailure(try DenoiseCommandTests.hush(["denoise", dir + "/link.wav", out]),
                                          output: out, mentioning: "no such file")
        DenoiseCommandTests.expectFailure(
            try DenoiseCommandTests.hush(["denoise", DenoiseCommandTests.noisy, dir + "/a/b/out.wav"]),
            output: dir + "/a/b/out.wav", mentioning: "does not exist")
    }

    @Test("SIGINT, SIGTERM or SIGHUP mid-run leaves no output and no temporary file", arguments: [SIGINT, SIGTERM, SIGHUP])
    func interrupted(signalNumber: Int32) throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A long input so the run is still going when the signal arrives.
        let long = dir + "/long.wav"
        let speech = try AudioReader.read(path: DenoiseCommandTests.noisy).samples
        let samples = (0..<(16_000 * 40)).map { speech[$0 % speech.count] }
        try AudioWriter.write(AudioBuffer(samples: samples, channels: 1, sampleRate: 16_000), to: long)
        let out = dir + "/out.wav"
        let status = try DenoiseCommandTests.interrupt(["denoise", long, out], after: 600_000, with: signalNumber)
        #expect(status == 128 + signalNumber)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["long.wav"])
    }
}
