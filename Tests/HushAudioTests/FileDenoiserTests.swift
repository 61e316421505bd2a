import AllocationCounter
import CSndFile
import Foundation
import Hush
import HushAudio
import Testing

@Suite("Whole-file denoise through libsndfile and libsoxr")
struct FileDenoiserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var rate: Int
        var channels: Int
        var format: Int32
        /// Required reconstruction quality of the pass-through output, as SNR in dB: at the model
        /// rate only float rounding remains; a resampled round trip loses the band edge.
        var minimumSNR: Double
        var testDescription: String { name }
    }

    static let wav = Int32(SF_FORMAT_WAV)
    static let cases: [Case] = [
        Case(name: "8-bit PCM WAV", rate: 16_000, channels: 1, format: wav | Int32(SF_FORMAT_PCM_U8), minimumSNR: 70),
        Case(name: "16-bit PCM WAV", rate: 16_000, channels: 1, format: wav | Int32(SF_FORMAT_PCM_16), minimumSNR: 70),
        Case(name: "24-bit PCM WAV", rate: 16_000, channels: 1, format: wav | Int32(SF_FORMAT_PCM_24), minimumSNR: 70),
        Case(name: "float WAV", rate: 16_000, channels: 1, format: wav | Int32(SF_FORMAT_FLOAT), minimumSNR: 70),
        Case(name: "FLAC", rate: 16_000, channels: 1, format: Int32(SF_FORMAT_FLAC) | Int32(SF_FORMAT_PCM_16), minimumSNR: 70),
        Case(name: "stereo WAV", rate: 16_000, channels: 2, format: wav | Int32(SF_FORMAT_PCM_16), minimumSNR: 70),
        // At 8 kHz the anti-alias filters' transition band (≈3.6–4 kHz) holds speech energy.
        Case(name: "8 kHz WAV", rate: 8_000, channels: 1, format: wav | Int32(SF_FORMAT_PCM_16), minimumSNR: 25),
        Case(name: "22.05 kHz WAV", rate: 22_050, channels: 1, format: wav | Int32(SF_FORMAT_PCM_16), minimumSNR: 60),
        Case(name: "44.1 kHz stereo WAV", rate: 44_100, channels: 2, format: wav | Int32(SF_FORMAT_PCM_16), minimumSNR: 60),
        Case(name: "48 kHz float WAV", rate: 48_000, channels: 1, format: wav | Int32(SF_FORMAT_FLOAT), minimumSNR: 60),
    ]

    @Test("pass-through keeps length, rate and content", arguments: cases)
    func passThrough(_ c: Case) throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let speech16k = try AudioReader.read(path: TestAudio.fixture("real-speech-16k.flac")).samples
        let mono = try Resampler.resample(speech16k, from: 16_000, to: c.rate)
        // Stereo: the second channel is a scaled copy, so the downmix is 0.75 × the first.
        let interleaved = c.channels == 1 ? mono : mono.flatMap { [$0, 0.5 * $0] }
        let input = dir + "/in" + (c.format & Int32(SF_FORMAT_TYPEMASK) == Int32(SF_FORMAT_FLAC) ? ".flac" : ".wav")
        TestAudio.write(interleaved, channels: c.channels, rate: c.rate, format: c.format, to: input)
        let written = try AudioReader.read(path: input)

        let output = dir + "/out.wav"
        let denoiser = try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage())
        let target = try OutputPlan.check(inputs: [input], outputs: [.init(output)], overwrite: false)[0]
        // Without the DC blocker, whose low-frequency phase shift is not a reconstruction error.
        let summary = try FileDenoiser.run(inputPath: input, output: target, denoiser: denoiser,
                                           options: FileDenoiseOptions(encoding: .float32, removesDC: false))
        let result = try AudioReader.read(path: output)
        #expect(result.sampleRate == c.rate)
        #expect(result.channels == 1)
        #expect(result.frameCount == written.frameCount)
        #expect(summary.sampleCount == written.frameCount)
        let reference = written.downmixedToMono()
        var signal = 0.0, error = 0.0
        for i in 0..<reference.count {
            signal += Double(reference[i] * reference[i])
            let e = Double(result.samples[i] - reference[i])
            error += e * e
        }
        let snr = 10 * log10(signal / max(error, 1e-30))
        #expect(snr >= c.minimumSNR, "round-trip SNR \(snr) dB")
    }

    @Test("16-bit output clips to full scale rather than wrapping")
    func clipping() throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/loud.wav"
        try AudioWriter.write(AudioBuffer(samples: [1.5, -1.5, 0.25], channels: 1, sampleRate: 16_000),
                              to: path)
        let back = try AudioReader.read(path: path).samples
        #expect(back[0] > 0.99 && back[1] < -0.99 && abs(back[2] - 0.25) < 1e-4)
    }

    @Test("memory does not grow with the file's length: 2 s and 40 s of 48 kHz stereo peak alike",
          .enabled(if: hush_allocation_counting_available() == 1, "a sanitizer owns malloc"))
    func constantMemory() throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let speech = try AudioReader.read(path: TestAudio.fixture("real-speech-16k.flac")).samples
        let at48k = try Resampler.resample(speech, from: 16_000, to: 48_000)
        var peaks: [Int: Int64] = [:]
        for seconds in [2, 40] {
            let input = dir + "/in\(seconds).wav"
            let frames = 48_000 * seconds
            let stereo = (0..<(2 * frames)).map { at48k[($0 / 2) % at48k.count] * ($0 % 2 == 0 ? 1 : 0.5) }
            TestAudio.write(stereo, channels: 2, rate: 48_000, format: Self.wav | Int32(SF_FORMAT_PCM_16), to: input)
            let output = dir + "/out\(seconds).wav"
            let target = try OutputPlan.check(inputs: [input], outputs: [.init(output)], overwrite: false)[0]
            let denoiser = try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage())
            hush_allocation_counting_begin()
            let summary = try FileDenoiser.run(inputPath: input, output: target, denoiser: denoiser)
            peaks[seconds] = hush_allocation_peak_bytes()
            _ = hush_allocation_counting_end()
            #expect(summary.sampleCount == frames)
            #expect(try AudioFileReader(path: output).declaredFrames == frames)
        }
        // The whole 40 s file as floats would be 15 MB; blocks, resamplers and buffers are far less.
        let short = try #require(peaks[2]), long = try #require(peaks[40])
        #expect(long < 4 << 20, "peak heap \(long) bytes for 40 s")
        #expect(long < short + (256 << 10), "peak heap \(short) bytes for 2 s, \(long) for 40 s")
    }
}
