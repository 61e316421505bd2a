import Hush
import Testing

@Suite("Denoiser")
struct DenoiserTests {
    @Test("whole-signal denoise is aligned and the same length as its input")
    func wholeSignal() throws {
        let speech = try Fixtures.realSpeech()
        let denoiser = try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage())
        let out = denoiser.denoise(Array(speech.prefix(12_345)))
        #expect(out.count == 12_345)
        var maxError: Float = 0
        for i in 0..<out.count { maxError = max(maxError, abs(out[i] - speech[i])) }
        #expect(maxError <= 1e-5)
        // A second run starts from a clean state and gives the same bits.
        let again = denoiser.denoise(Array(speech.prefix(12_345)))
        #expect(out.elementsEqual(again) { $0.bitPattern == $1.bitPattern })
    }

    @Test("empty input gives empty output")
    func empty() throws {
        let denoiser = try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage())
        #expect(denoiser.denoise([]).isEmpty)
    }
}
