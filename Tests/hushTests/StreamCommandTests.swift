import Foundation
import Testing

/// `hush stream` as a pipeline stage: chunking, alignment with `hush denoise`, the end of input
/// mid-sample, a reader that goes away, statistics, and option errors. Inputs are 0.6 s excerpts
/// so each run stays well under a second in a debug build.
@Suite("hush stream (command line)")
struct StreamCommandTests {
    /// 0.6 s of the noisy fixture (9 600 samples: not a whole number of hops), as s16le bytes.
    static let excerpt: Data = {
        let all = try! WAV.data(of: DenoiseCommandTests.noisy)
        return all.prefix(2 * 9_601).dropLast(2)
    }()

    /// A 48 kHz signal: each sample of the excerpt held for three samples. (A function, not a
    /// static: LeakSanitizer cannot see a large Data's storage through a global and calls it lost.)
    static func excerptAt48k() -> Data {
        var held = Data(capacity: excerpt.count * 3)
        for i in stride(from: 0, to: excerpt.count, by: 2) {
            let sample = excerpt[excerpt.startIndex + i ..< excerpt.startIndex + i + 2]
            held += sample + sample + sample
        }
        return held
    }

    /// `hush denoise` of the excerpt: the 16-bit and the float output's sample bytes.
    static let reference: (s16: Data, f32: Data) = {
        let dir = try! DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.wav"
        try! WAV.write16(excerpt, to: input)
        _ = try! StreamRun.run([input, dir + "/s16.wav"], input: Data(), subcommand: "denoise")
        _ = try! StreamRun.run(["--float", input, dir + "/f32.wav"], input: Data(), subcommand: "denoise")
        return (try! WAV.data(of: dir + "/s16.wav"), try! WAV.data(of: dir + "/f32.wav"))
    }()

    @Test("f32le in odd chunks (split mid-sample) equals hush denoise --float bit for bit")
    func floatMatchesDenoise() throws {
        let r = try StreamRun.run(["--format", "f32le"], input: WAV.floatBytes(fromS16: Self.excerpt),
                                  chunks: [1, 7, 1000, 3, 4096, 13])
        #expect(r.status == 0 && r.reason == .exit, "stderr: \(r.stderr)")
        #expect(r.stdout.count == Self.excerpt.count * 2)
        #expect(r.stdout == Self.reference.f32)
    }

    @Test("s16le equals hush denoise's 16-bit output sample for sample")
    func s16MatchesDenoise() throws {
        let r = try StreamRun.run([], input: Self.excerpt, chunks: [511, 2, 64])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout == Self.reference.s16)
    }

    @Test("--no-delay-compensation emits the raw stream: the same samples 256 later, same length")
    func rawStream() throws {
        let r = try StreamRun.run(["--no-delay-compensation", "--format", "f32le"],
                                  input: WAV.floatBytes(fromS16: Self.excerpt))
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let aligned = Self.reference.f32
        #expect(r.stdout.count == aligned.count)
        let delayBytes = 256 * 4
        #expect(r.stdout.dropFirst(delayBytes) == aligned.prefix(aligned.count - delayBytes))
    }

    @Test("two channels are downmixed: L = R = x gives the mono result, and stderr says so")
    func stereo() throws {
        var interleaved = Data(capacity: Self.excerpt.count * 2)
        for i in stride(from: 0, to: Self.excerpt.count, by: 2) {
            let sample = Self.excerpt[Self.excerpt.startIndex + i ..< Self.excerpt.startIndex + i + 2]
            interleaved += sample + sample
        }
        let r = try StreamRun.run(["--channels", "2"], input: interleaved, chunks: [3, 333])
        #expect(r.status == 0)
        #expect(r.stderr.contains("downmixed to mono"))
        #expect(r.stdout == Self.reference.s16)
    }

    @Test("stdin closing mid-sample and mid-frame flushes the tail and exits 0")
    func endMidSample() throws {
        let cut = Self.excerpt.prefix(2 * 1_000) + Self.excerpt.dropFirst(2 * 1_000).prefix(1)
        let r = try StreamRun.run(["--verbose"], input: cut, chunks: [77])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.count == 2 * 1_000)
        #expect(r.stderr.contains("1 byte(s) of an incomplete sample ignored"))
    }

    @Test("a reader that closes stdout early ends the run with exit 0, no SIGPIPE")
    func readerGoesAway() throws {
        // 20 s of input, so hush is still writing when the reader leaves after 4 kB.
        var long = Data()
        for _ in 0..<34 { long += Self.excerpt }
        let r = try StreamRun.run([], input: long, chunks: [8192], readLimit: 4096)
        #expect(r.reason == .exit, "killed by signal \(r.status)")
        #expect(r.status == 0, "stderr: \(r.stderr)")
        // (A debug build may warn of underruns; nothing else may appear.)
        #expect(!r.stderr.contains("rror") && !r.stderr.contains("atal"), "stderr: \(r.stderr)")
    }

    @Test("--stats prints one line per frame; --verbose prints the latency and a summary")
    func statsAndVerbose() throws {
        let r = try StreamRun.run(["--stats", "--verbose", "--budget", "0.25"], input: Self.excerpt)
        #expect(r.status == 0)
        let frames = r.stderr.split(separator: "\n").filter { $0.hasPrefix("frame ") }
        // 9 600 samples + 256 of delay flushed: ceil(9856 / 256) = 39 frames.
        #expect(frames.count == 39)
        #expect(frames.first?.contains("macs ") == true && frames.first?.contains(" active 0.") == true
                && frames.first?.contains(" time ") == true)
        #expect(r.stderr.contains("latency: 32.0 ms algorithmic"))
        #expect(r.stderr.contains("9600 samples in, 9600 out, 39 frames"))
    }

    @Test("--rate 48000 resamples with libsoxr in the stream and still equals hush denoise")
    func otherRate() throws {
        let held = Self.excerptAt48k()
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try WAV.write16(held, rate: 48_000, to: dir + "/in48.wav")
        _ = try StreamRun.run([dir + "/in48.wav", dir + "/out48.wav"], input: Data(), subcommand: "denoise")
        let r = try StreamRun.run(["--rate", "48000", "--verbose"], input: held, chunks: [999, 2])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("resampled to 16000 Hz"))
        #expect(r.stdout.count == held.count)
        #expect(r.stdout == (try WAV.data(of: dir + "/out48.wav")))
    }

    @Test("bad options are one-line errors with a non-zero exit")
    func badOptions() throws {
        for arguments in [["--rate", "100"], ["--channels", "0"], ["--format", "s24"], ["--budget", "2"]] {
            let r = try StreamRun.run(arguments, input: Data())
            #expect(r.status != 0, "\(arguments)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.hasPrefix("Error: "), "\(arguments): \(r.stderr)")
        }
        let ok = try StreamRun.run(["--rate", "16000"], input: Data())
        #expect(ok.status == 0 && ok.stdout.isEmpty)
    }

    @Test("a WAV file piped in: its header is skipped (and said so), or refused when it contradicts the options")
    func wavOnStdin() throws {
        let dir = try DenoiseCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try WAV.write16(Self.excerpt, to: dir + "/in.wav")
        let file = try Data(contentsOf: URL(fileURLWithPath: dir + "/in.wav"))
        // Split inside the header, so it arrives over several reads.
        let r = try StreamRun.run([], input: file, chunks: [5, 30, 4096])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("stdin starts with a WAV header (16000 Hz, 1 channel(s), 16-bit integer)"))
        #expect(r.stdout == Self.reference.s16)
        let wrong = try StreamRun.run(["--rate", "48000"], input: file)
        #expect(wrong.status != 0 && wrong.stdout.isEmpty)
        #expect(wrong.stderr.contains("pass --rate 16000 --channels 1 and --format s16le"), "stderr: \(wrong.stderr)")
    }

    @Test("NaN and infinite input samples are replaced and reported")
    func nonFiniteReported() throws {
        var floats = WAV.floatBytes(fromS16: Self.excerpt)
        for (k, value) in [(100, Float.nan), (2000, .infinity), (5000, -.infinity)] {
            floats.replaceSubrange((4 * k)..<(4 * k + 4), with: withUnsafeBytes(of: value.bitPattern.littleEndian) { Data($0) })
        }
        let r = try StreamRun.run(["--format", "f32le"], input: floats)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("warning: 3 NaN, infinite or out-of-range input samples replaced"), "stderr: \(r.stderr)")
        let samples = r.stdout.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(samples.count == 9_600 && samples.allSatisfy(\.isFinite))
    }

    @Test("--verbose reports the true latency at 48 kHz, resamplers included, and it stays under 70 ms")
    func latencyAt48k() throws {
        let held = Self.excerptAt48k()
        func milliseconds(after marker: String, in text: String) -> Double? {
            guard let range = text.range(of: marker) else { return nil }
            return Double(text[range.upperBound...].prefix { $0.isNumber || $0 == "." })
        }
        let r = try StreamRun.run(["--rate", "48000", "--verbose"], input: held, chunks: [512])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let predicted = try #require(milliseconds(after: "held by libsoxr = up to ", in: r.stderr))
        let measured = try #require(milliseconds(after: "latency measured (input that arrived after a sample before it came out): max ", in: r.stderr))
        #expect(measured > 32 && measured <= predicted + 1, "measured \(measured) ms, predicted \(predicted) ms")
        // libsoxr's default DFT blocks held 70 ms median, 114 ms at worst; small blocks cut it.
        #expect(predicted < 70, "predicted \(predicted) ms")
        let at16k = try StreamRun.run(["--verbose"], input: Self.excerpt)
        #expect(milliseconds(after: "came out): max ", in: at16k.stderr) == 32)
    }
}
