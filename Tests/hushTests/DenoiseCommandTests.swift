import Foundation
import Testing

/// End-to-end checks of `hush denoise` as a user runs it: exit codes, one-line errors, and that
/// no output file appears when the run fails.
@Suite("hush denoise (command line)", .serialized)
struct DenoiseCommandTests {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// The `hush` binary next to the test bundle.
    static let executable: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("hush").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func hush(_ arguments: [String]) throws -> Result {
        try run(executable, arguments)
    }

    /// Runs `executable` with standard input empty, collecting its output (`environment` is added
    /// to this process's; `directory`, if given, is its working directory).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `hush arguments`, sends `signalNumber` after `microseconds`, and returns its exit status.
    static func interrupt(_ arguments: [String], after microseconds: UInt32, with signalNumber: Int32) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(microseconds)
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "hush-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static var noisy: String { repositoryRoot + "/audio-fixtures/noisy-speech-16k.wav" }

    /// Asserts a failed run: non-zero exit, one error line, and no file at `output`.
    static func expectFailure(_ r: Result, output: String, mentioning fragment: String) {
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains(fragment), "stderr: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("a good run prints a one-line summary and writes the file")
    func success() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav"
        let r = try Self.hush(["denoise", "--pass-through", Self.noisy, out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("frames") && r.stdout.contains("latency 32.0 ms") && r.stdout.contains("RTF"))
        #expect(FileManager.default.fileExists(atPath: out))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(leftovers == ["out.wav"])
    }

    @Test("missing input")
    func missingInput() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.hush(["denoise", dir + "/nope.wav", dir + "/out.wav"])
        Self.expectFailure(r, output: dir + "/out.wav", mentioning: "no such file")
    }

    @Test("not audio, truncated header, zero-length audio")
    func badInputs() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = try Data(contentsOf: URL(fileURLWithPath: Self.noisy))
        var emptyWav = header.prefix(44)
        emptyWav.replaceSubrange(40..<44, with: [0, 0, 0, 0])
        emptyWav.replaceSubrange(4..<8, with: [36, 0, 0, 0])
        let cases: [(String, Data, String)] = [
            ("text.wav", Data("hello\n".utf8), "not a readable audio file"),
            ("truncated.wav", header.prefix(20), "not a readable audio file"),
            ("empty.wav", emptyWav, "contains no audio"),
        ]
        for (name, bytes, message) in cases {
            let input = dir + "/" + name
            try bytes.write(to: URL(fileURLWithPath: input))
            let out = dir + "/out-" + name
            Self.expectFailure(try Self.hush(["denoise", input, out]), output: out, mentioning: message)
        }
    }

    @Test("unwritable output path")
    func unwritable() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/no-such-dir/out.wav"
        Self.expectFailure(try Self.hush(["denoise", Self.noisy, out]), output: out, mentioning: "cannot write")
        let bad = dir + "/out.mp3"
        Self.expectFailure(try Self.hush(["denoise", Self.noisy, bad]), output: bad, mentioning: "unsupported output")
    }

    @Test("output == input is refused unless --overwrite, which replaces it atomically")
    func overwrite() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/same.wav"
        try FileManager.default.copyItem(atPath: Self.noisy, toPath: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let refused = try Self.hush(["denoise", path, path])
        #expect(refused.status != 0 && refused.stderr.contains("--overwrite"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        let r = try Self.hush(["denoise", "--pass-through", "--overwrite", path, path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["same.wav"])
    }

    @Test("the default run uses the bundled model and reports its cost; --report writes per-frame JSON")
    func network() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav", report = dir + "/cost.json"
        let r = try Self.hush(["denoise", "--budget", "0.25", "--report", report, Self.noisy, out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("network: budget 0.25") && r.stdout.contains("saving"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let frames = try #require(json?["frames"] as? Int)
        let perFrame = try #require(json?["per_frame"] as? [[String: Any]])
        #expect(perFrame.count == frames && frames > 100)
        let executed = perFrame.compactMap { $0["executed_macs"] as? Int }
        let dense = try #require(json?["dense_macs_per_frame"] as? Int)
        #expect(executed.count == frames && executed.allSatisfy { $0 < dense / 2 })
        #expect(json?["attenuation_limit_db"] as? Double == 20)
    }

    @Test("--attenuation-limit: 'none' and a number change the output; anything else is refused")
    func attenuationLimit() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var outputs: [Data] = []
        for (i, limit) in [nil, "none", "12"].enumerated() {
            let out = dir + "/out\(i).wav", report = dir + "/cost\(i).json"
            let r = try Self.hush(["denoise", "--report", report] + (limit.map { ["--attenuation-limit", $0] } ?? [])
                                  + [Self.noisy, out])
            #expect(r.status == 0, "stderr: \(r.stderr)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
            #expect(json?["attenuation_limit_db"] as? Double == [20, nil, 12][i])
        }
        #expect(outputs[0] != outputs[1] && outputs[0] != outputs[2] && outputs[1] != outputs[2])
        let out = dir + "/bad.wav"
        // "=-6": a negative value has to be attached, or it would read as an option.
        for bad in [["--attenuation-limit", "0"], ["--attenuation-limit=-6"], ["--attenuation-limit", "nan"],
                    ["--attenuation-limit", "loud"]] {
            Self.expectFailure(try Self.hush(["denoise"] + bad + [Self.noisy, out]), output: out,
                               mentioning: "attenuation-limit")
        }
    }

    @Test("a bad model file or budget is a one-line error and writes nothing")
    func badModel() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav"
        let model = dir + "/model.hush"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.repositoryRoot + "/models/hush-default.hush"))
        bytes[bytes.count / 2] ^= 1
        try bytes.write(to: URL(fileURLWithPath: model))
        Self.expectFailure(try Self.hush(["denoise", "--model", model, Self.noisy, out]), output: out,
                           mentioning: "checksum")
        Self.expectFailure(try Self.hush(["denoise", "--model", Self.noisy, Self.noisy, out]), output: out,
                           mentioning: "not a Hush model")
        Self.expectFailure(try Self.hush(["denoise", "--model", dir + "/none.hush", Self.noisy, out]),
                           output: out, mentioning: "cannot read model")
        for budget in ["0", "1.5", "nan"] {
            Self.expectFailure(try Self.hush(["denoise", "--budget", budget, Self.noisy, out]), output: out,
                               mentioning: "budget")
        }
    }

    @Test("help lists the commands and examples")
    func help() throws {
        let r = try Self.hush(["--help"])
        #expect(r.status == 0 && r.stdout.contains("denoise") && r.stdout.contains("Examples"))
        let d = try Self.hush(["denoise", "--help"])
        #expect(d.status == 0 && d.stdout.contains("Examples"))
    }
}
