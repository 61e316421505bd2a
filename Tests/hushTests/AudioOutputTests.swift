import Foundation
import HushAudio
import Testing

/// What `hush denoise` writes: 16-bit rounded to nearest (optionally dithered), float above full
/// scale kept, DC removed before analysis, clipping reported (issue #16).
@Suite("audio output (command line)", .serialized)
struct AudioOutputTests {
    typealias CLI = DenoiseCommandTests

    static func int16s(_ path: String) throws -> [Int16] {
        let data = try WAV.data(of: path)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }.map { Int16(littleEndian: $0) }
    }

    @Test("a 16-bit file passed through comes back sample for sample (rounded to nearest, not down)")
    func passThroughIsExact() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav"
        let r = try CLI.hush(["denoise", "--pass-through", "--keep-dc", CLI.noisy, out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let input = try Self.int16s(CLI.noisy), output = try Self.int16s(out)
        #expect(output.count == input.count)
        let off = zip(input, output).filter { $0 != $1 }.count
        #expect(off == 0, "\(off) of \(input.count) samples differ")
    }

    @Test("--dither adds TPDF dither: within 1 LSB of the plain rounding, different, repeatable")
    func dither() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a", "b"] {
            let r = try CLI.hush(["denoise", "--pass-through", "--keep-dc", "--dither", CLI.noisy, dir + "/\(name).wav"])
            #expect(r.status == 0, "stderr: \(r.stderr)")
        }
        let plain = try Self.int16s(CLI.noisy), a = try Self.int16s(dir + "/a.wav")
        #expect(try Self.int16s(dir + "/b.wav") == a)
        let differences = zip(plain, a).map { abs(Int($0) - Int($1)) }
        #expect(differences.max() == 1)
        #expect(differences.filter { $0 != 0 }.count > plain.count / 10)
    }

    @Test("a 10 % DC offset is removed before analysis; --keep-dc keeps it")
    func dcBlocker() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let speech = try AudioReader.read(path: CLI.noisy)
        let input = dir + "/dc.wav"
        try AudioWriter.write(AudioBuffer(samples: speech.samples.map { $0 * 0.5 + 0.1 }, channels: 1,
                                          sampleRate: 16_000), to: input, encoding: .float32)
        func mean(_ path: String) throws -> Double {
            let x = try AudioReader.read(path: path).samples
            // The second half: the blocker's own settling (a few time constants of 5 ms) is long over.
            let tail = x[(x.count / 2)...]
            return tail.reduce(0) { $0 + Double($1) } / Double(tail.count)
        }
        // Through the network, and through the audio path alone (where --keep-dc keeps all of it).
        for (options, name) in [([String](), "blocked"), (["--pass-through"], "blocked-path"),
                                (["--pass-through", "--keep-dc"], "kept")] {
            let r = try CLI.hush(["denoise", "--float"] + options + [input, dir + "/\(name).wav"])
            #expect(r.status == 0, "stderr: \(r.stderr)")
        }
        for name in ["blocked", "blocked-path"] {
            let blocked = try mean(dir + "/\(name).wav")
            #expect(abs(blocked) < 0.0005, "\(name): mean \(blocked)")
        }
        let kept = try mean(dir + "/kept.wav")
        #expect(abs(kept - 0.1) < 0.01, "mean \(kept)")
    }

    @Test("--float keeps samples above full scale; 16-bit clips them and says so")
    func aboveFullScale() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let speech = try AudioReader.read(path: CLI.noisy).samples
        let peak = speech.map { abs($0) }.max() ?? 1
        let input = dir + "/loud.wav"
        try AudioWriter.write(AudioBuffer(samples: speech.map { $0 * 2 / peak }, channels: 1, sampleRate: 16_000),
                              to: input, encoding: .float32)
        let float = try CLI.hush(["denoise", "--pass-through", "--keep-dc", "--float", input, dir + "/f.wav"])
        #expect(float.status == 0 && float.stderr.contains("above full scale kept"), "stderr: \(float.stderr)")
        let kept = try AudioReader.read(path: dir + "/f.wav").samples
        #expect((kept.map { abs($0) }.max() ?? 0) > 1.9)
        let clipped = try CLI.hush(["denoise", "--pass-through", "--keep-dc", input, dir + "/c.wav"])
        #expect(clipped.status == 0 && clipped.stderr.contains("clipped to full scale"), "stderr: \(clipped.stderr)")
        #expect(try Self.int16s(dir + "/c.wav").contains(32767))
    }
}
