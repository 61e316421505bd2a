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

    @Test("a network runs only in its model's framing: another is refused, a wrong-sized spectrum left alone")
    func oneFrontDoor() throws {
        let network = try GatedNetwork(model: try Model.bundled())
        // A 256-point STFT has 129 bins; the network would have written 257 into them.
        let small = try STFTConfiguration(frameLength: 256, hop: 128)
        #expect(throws: HushError.self) { try Denoiser(configuration: small, stage: network) }
        let denoiser = try Denoiser(network: network)
        #expect(denoiser.configuration == network.model.configuration.stft)
        // Behind the door too: 129 bins plus a guard region that must stay untouched.
        var spectrum = [Float](repeating: 0.5, count: 2 * 129 + 64)
        spectrum.withUnsafeMutableBufferPointer { network.process(spectrum: $0.baseAddress!, bins: 129) }
        #expect(spectrum.allSatisfy { $0 == 0.5 })
    }
}
