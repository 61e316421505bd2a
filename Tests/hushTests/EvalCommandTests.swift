import Foundation
import Testing

/// `hush eval` as a user runs it: the table, JSON for folders, and one-line refusals.
@Suite("hush eval (command line)", .serialized)
struct EvalCommandTests {
    typealias CLI = DenoiseCommandTests
    static let validation = CLI.repositoryRoot + "/Tests/HushMetricsTests/Validation"

    @Test("a single pair prints the table with the oracle's PESQ and STOI")
    func singlePair() throws {
        // p005: 16 kHz, overdrive; oracle NB 2.922405, WB 1.908919, STOI 0.925752, SI-SDR 7.167464.
        let r = try CLI.hush(["eval", "--clean", Self.validation + "/clean/p005.flac",
                              "--enhanced", Self.validation + "/enhanced/p005.flac"])
        #expect(r.status == 0, "\(r.stderr)")
        let row = try #require(r.stdout.split(separator: "\n").last).split(separator: " ").map(String.init)
        #expect(row == ["p005.flac", "2.922", "1.909", "0.926", "0.848", "7.167", "-9.923"])
    }

    @Test("folders are matched by name; JSON has one entry per pair and the means")
    func folderJSON() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manager = FileManager.default
        for sub in ["clean", "enhanced"] {
            try manager.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
            for id in ["p006", "p185"] {
                try manager.copyItem(atPath: "\(Self.validation)/\(sub)/\(id).flac", toPath: "\(dir)/\(sub)/\(id).flac")
            }
        }
        try manager.copyItem(atPath: "\(Self.validation)/enhanced/p009.flac", toPath: "\(dir)/enhanced/unmatched.flac")
        let r = try CLI.hush(["eval", "--clean-dir", dir + "/clean", "--enhanced-dir", dir + "/enhanced", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["name"] as? String } == ["p006.flac", "p185.flac"])
        // p185 is delayed and longer: PESQ aligns it, STOI is left out with a note.
        #expect(abs((files[1]["pesq_wb"] as? Double ?? 0) - 3.242701) < 0.02)
        #expect(files[1]["stoi"] is NSNull)
        #expect(r.stderr.contains("lengths differ"))
        #expect(r.stderr.contains("1 enhanced file(s) without a clean namesake"))
        let mean = try #require(json["mean"] as? [String: Any])
        #expect(abs((mean["pesq_nb"] as? Double ?? 0) - (4.335739 + 2.264646) / 2) < 0.02)
    }

    @Test("different rates, missing files and half-given options fail with one line")
    func refusals() throws {
        let rates = try CLI.hush(["eval", "--clean", Self.validation + "/clean/p005.flac",
                                  "--enhanced", Self.validation + "/enhanced/p006.flac"])
        #expect(rates.status != 0)
        #expect(rates.stderr.contains("differ in sample rate (16000 Hz vs 8000 Hz)"))
        #expect(rates.stderr.split(separator: "\n").count == 1)
        let missing = try CLI.hush(["eval", "--clean", "/nonexistent.wav", "--enhanced", Self.validation + "/enhanced/p006.flac"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent.wav"))
        let half = try CLI.hush(["eval", "--clean", Self.validation + "/clean/p005.flac"])
        #expect(half.status != 0)
    }

    @Test("denoise --reference prints input and output quality after the cost report")
    func denoiseWithReference() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.hush(["denoise", "--reference", CLI.repositoryRoot + "/audio-fixtures/real-speech-16k.flac",
                              CLI.noisy, dir + "/out.wav"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("quality vs real-speech-16k.flac") })
        #expect(lines.firstIndex { $0.hasPrefix("network:") } ?? .max < header)
        #expect(lines[header + 2].hasPrefix("input"))
        #expect(lines[header + 3].hasPrefix("output"))
    }
}
