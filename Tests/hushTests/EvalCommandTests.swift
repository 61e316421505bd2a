import Foundation
import HushAudio
import Testing

/// `hush eval` as a user runs it: the table, JSON for folders, and one-line refusals.
@Suite("hush eval (command line)", .serialized)
struct EvalCommandTests {
    typealias CLI = DenoiseCommandTests
    static let validation = CLI.repositoryRoot + "/Tests/HushMetricsTests/Validation"

    @Test("a single pair prints the table with the oracles' PESQ, STOI and composite measures")
    func singlePair() throws {
        // p023: 16 kHz, reverb; oracle NB 2.254287, WB 1.471606, WB-C2 2.256687, STOI 0.969687,
        // ESTOI 0.850344, SI-SDR 9.648821, segSNR 6.299844, fwSegSNR 14.008243, LLR 0.225021,
        // WSS 27.780369, CSIG 3.498808, CBAK 2.539855, COVL 2.468969.
        let r = try CLI.hush(["eval", "--clean", Self.validation + "/clean/p023.flac",
                              "--enhanced", Self.validation + "/enhanced/p023.flac"])
        #expect(r.status == 0, "\(r.stderr)")
        let row = try #require(r.stdout.split(separator: "\n").last).split(separator: " ").map(String.init)
        #expect(row == ["p023.flac", "2.254", "1.472", "2.257", "0.970", "0.850", "9.649", "6.300",
                        "14.008", "0.225", "27.780", "3.499", "2.540", "2.469"])
    }

    @Test("folders are matched by name; JSON has one entry per pair and the means")
    func folderJSON() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manager = FileManager.default
        for sub in ["clean", "enhanced"] {
            try manager.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
            for id in ["p024", "p293"] {
                try manager.copyItem(atPath: "\(Self.validation)/\(sub)/\(id).flac", toPath: "\(dir)/\(sub)/\(id).flac")
            }
        }
        try manager.copyItem(atPath: "\(Self.validation)/enhanced/p156.flac", toPath: "\(dir)/enhanced/unmatched.flac")
        let r = try CLI.hush(["eval", "--clean-dir", dir + "/clean", "--enhanced-dir", dir + "/enhanced", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["name"] as? String } == ["p024.flac", "p293.flac"])
        // p293 is delayed and longer: PESQ aligns it, STOI is left out with a note.
        #expect(abs((files[1]["pesq_wb"] as? Double ?? 0) - 1.097469) < 0.02)
        #expect(files[1]["stoi"] is NSNull)
        #expect(files[1]["csig"] is NSNull)
        // p024 (8 kHz): the composites use the raw NB score; no WB, so no Corrigendum 2 either.
        #expect(abs((files[0]["csig"] as? Double ?? 0) - 3.841333) < 0.01)
        #expect(abs((files[0]["composite_pesq"] as? Double ?? 0) - 2.615175) < 0.001)
        #expect(files[0]["pesq_wb_c2"] is NSNull)
        #expect(r.stderr.contains("lengths differ"))
        #expect(r.stderr.contains("1 enhanced file(s) without a clean namesake"))
        let mean = try #require(json["mean"] as? [String: Any])
        #expect(abs((mean["pesq_nb"] as? Double ?? 0) - (2.280263 + 1.627017) / 2) < 0.02)
    }

    @Test("different rates, missing files and half-given options fail with one line")
    func refusals() throws {
        let rates = try CLI.hush(["eval", "--clean", Self.validation + "/clean/p023.flac",
                                  "--enhanced", Self.validation + "/enhanced/p024.flac"])
        #expect(rates.status != 0)
        #expect(rates.stderr.contains("differ in sample rate (16000 Hz vs 8000 Hz)"))
        #expect(rates.stderr.split(separator: "\n").count == 1)
        let missing = try CLI.hush(["eval", "--clean", "/nonexistent.wav", "--enhanced", Self.validation + "/enhanced/p024.flac"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent.wav"))
        let half = try CLI.hush(["eval", "--clean", Self.validation + "/clean/p023.flac"])
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

    @Test("a silent pair is an error; an identical pair's +inf SI-SDR is null in JSON and left out of the mean")
    func silenceAndInfinity() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manager = FileManager.default
        // Dithered digital silence: what sox writes for "silence" at 16 bits.
        var state: UInt32 = 1
        let hiss = (0..<16_000).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(Int(state >> 16) % 3 - 1) / 32768
        }
        try AudioWriter.write(AudioBuffer(samples: hiss, channels: 1, sampleRate: 16_000), to: dir + "/silent.wav")
        let silent = try CLI.hush(["eval", "--clean", dir + "/silent.wav", "--enhanced", dir + "/silent.wav"])
        #expect(silent.status != 0 && silent.stderr.contains("silent"), "\(silent.stdout) \(silent.stderr)")
        for sub in ["clean", "enhanced"] {
            try manager.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
            // p023 scored against itself (SI-SDR +inf) and against its degraded version.
            try manager.copyItem(atPath: "\(Self.validation)/clean/p023.flac", toPath: "\(dir)/\(sub)/a.flac")
            try manager.copyItem(atPath: "\(Self.validation)/\(sub)/p023.flac", toPath: "\(dir)/\(sub)/b.flac")
        }
        let r = try CLI.hush(["eval", "--clean-dir", dir + "/clean", "--enhanced-dir", dir + "/enhanced", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("1e999") && !r.stdout.contains("inf"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.first?["si_sdr"] is NSNull)
        let mean = try #require(json["mean"] as? [String: Any])
        #expect(abs((mean["si_sdr"] as? Double ?? 0) - 9.648821) < 1e-3)
    }

    @Test("the downmix note names the file that had several channels")
    func downmixNote() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clean = try AudioReader.read(path: Self.validation + "/clean/p023.flac")
        try AudioWriter.write(AudioBuffer(samples: clean.samples.flatMap { [$0, $0] }, channels: 2,
                                          sampleRate: clean.sampleRate), to: dir + "/stereo-clean.wav")
        let r = try CLI.hush(["eval", "--clean", dir + "/stereo-clean.wav", "--enhanced", Self.validation + "/enhanced/p023.flac"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("stereo-clean.wav: 2 channels downmixed to mono"), "\(r.stderr)")
    }
}
