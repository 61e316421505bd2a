import Hush
import Testing

@Suite("Streaming STFT")
struct StreamingSTFTTests {
    /// Runs the pass-through pipeline over `signal` pushed in chunks of `chunk` samples and returns
    /// the raw output stream (delayed by outputDelay), including the drained tail.
    static func stream(_ signal: [Float], configuration: STFTConfiguration,
                       chunk: Int) throws -> [Float] {
        let stft = try StreamingSTFT(configuration: configuration, stage: PassThroughStage())
        var out = [Float](repeating: .nan, count: signal.count + stft.maximumFinishCount)
        var written = 0
        try out.withUnsafeMutableBufferPointer { output in
            try signal.withUnsafeBufferPointer { input in
                var start = 0
                while start < input.count {
                    let end = min(start + chunk, input.count)
                    let piece = UnsafeBufferPointer(rebasing: input[start..<end])
                    let dest = UnsafeMutableBufferPointer(rebasing: output[written...])
                    let n = try stft.process(piece, into: dest)
                    #expect(n == (end / configuration.hop - start / configuration.hop) * configuration.hop)
                    written += n
                    start = end
                }
                written += try stft.finish(into: UnsafeMutableBufferPointer(rebasing: output[written...]))
            }
        }
        #expect(written == signal.count + configuration.outputDelay)
        return Array(out[0..<written])
    }

    @Test("round trip reconstructs real speech to 1e-5", arguments: [(512, 256), (512, 128), (320, 160), (256, 64)])
    func roundTrip(frame: Int, hop: Int) throws {
        let speech = try Fixtures.realSpeech()
        let config = try STFTConfiguration(frameLength: frame, hop: hop)
        let out = try Self.stream(speech, configuration: config, chunk: 4096)
        let delay = config.outputDelay
        var maxError: Float = 0
        for i in 0..<speech.count { maxError = max(maxError, abs(out[i + delay] - speech[i])) }
        #expect(maxError <= 1e-5, "max abs error \(maxError)")
        // The delay region holds only the reconstructed zero prefix.
        for i in 0..<delay { #expect(abs(out[i]) <= 1e-6) }
    }

    @Test("chunked pushes are bit-identical to one push", arguments: [1, 7, 160, 4096])
    func chunking(chunk: Int) throws {
        let speech = try Fixtures.realSpeech()
        let config = try STFTConfiguration()
        let whole = try Self.stream(speech, configuration: config, chunk: speech.count)
        let chunked = try Self.stream(speech, configuration: config, chunk: chunk)
        #expect(whole.count == chunked.count)
        #expect(whole.elementsEqual(chunked) { $0.bitPattern == $1.bitPattern })
    }

    @Test("a too-small output buffer is an error and consumes nothing")
    func bufferTooSmall() throws {
        let stft = try StreamingSTFT(configuration: STFTConfiguration(), stage: PassThroughStage())
        let input = [Float](repeating: 0.1, count: 600)
        var out = [Float](repeating: 0, count: 100)
        #expect(throws: HushError.bufferTooSmall(needed: 512, given: 100)) {
            try input.withUnsafeBufferPointer { i in
                try out.withUnsafeMutableBufferPointer { try stft.process(i, into: $0) }
            }
        }
        #expect(stft.inputSampleCount == 0)
    }

    @Test("invalid framings are rejected", arguments: [(511, 256), (512, 512), (512, 200), (8, 4)])
    func invalidConfiguration(frame: Int, hop: Int) {
        #expect(throws: HushError.self) { try STFTConfiguration(frameLength: frame, hop: hop) }
    }

    @Test("latency of the default framing is 32 ms at 16 kHz")
    func latency() throws {
        let config = try STFTConfiguration()
        #expect(config.latencyMilliseconds == 32)
        #expect(config.outputDelay == 256)
    }
}
