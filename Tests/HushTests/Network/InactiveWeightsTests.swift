@testable import Hush
import Testing

/// "Inactive channels' weights are never read", made falsifiable: every weight that belongs only
/// to channels the gates never switched on during a run (their row of the first 1×1, their
/// depthwise taps, biases and PReLU slopes, their row of the transposed second 1×1) is overwritten
/// with NaN, and the run is repeated. One read of any of them would put a NaN into the output
/// (or, clamped, change it); the output must instead be finite and bit-identical. An int8 model's
/// matrices cannot hold NaN: they get the largest weight, 127, and pw1's per-channel scales NaN.
@Suite("inactive channels' weights are never read")
struct InactiveWeightsTests {
    @Test("NaN in every never-active channel's weights changes nothing",
          arguments: [KernelChoice.fast, .reference], ["models/hush-default.hush", "models/hush-default-int8.hush"])
    func poisoned(kernels: KernelChoice, modelPath: String) throws {
        // Two hops: three frames with the flush, so at most 3·cap channels of a block ever run
        // and, whatever the model, at least C − 3·cap never do (128 of 256 at b = 0.25).
        let speech = Array(try Fixtures.realSpeech().dropFirst(8_000).prefix(512))
        let budget: Float = 0.25
        let clean = try Model.load(Fixtures.bytes(modelPath))
        let denoiser = try Denoiser(model: clean, budget: budget, kernels: kernels)
        let network = try #require(denoiser.network)
        let c = clean.configuration
        var everActive = [[Bool]](repeating: [Bool](repeating: false, count: c.convChannels), count: c.blocks)
        let reference = denoiser.denoise(speech) { _ in
            for b in 0..<c.blocks {
                for channel in network.lastActiveChannels(block: b) { everActive[b][Int(channel)] = true }
            }
        }

        let poisoned = try Model.load(Fixtures.bytes(modelPath))
        let (R, K) = (c.residualChannels, c.kernelSize)
        var silenced = 0
        for b in 0..<c.blocks {
            let w = poisoned.image.pointee.blocks[b]
            for channel in 0..<c.convChannels where !everActive[b][channel] {
                switch c.weightFormat {
                case .float32:
                    (w.pw1Weight.values(Float.self) + channel * R).update(repeating: .nan, count: R)
                    (w.pw2Transposed.values(Float.self) + channel * R).update(repeating: .nan, count: R)
                    (w.dwWeight.values(Float.self) + channel * K).update(repeating: .nan, count: K)
                case .int8:
                    (w.pw1Weight.values(Int8.self) + channel * R).update(repeating: 127, count: R)
                    (w.pw2Transposed.values(Int8.self) + channel * R).update(repeating: 127, count: R)
                    (w.dwWeight.values(Int8.self) + channel * K).update(repeating: 127, count: K)
                    try #require(w.pw1Weight.scales)[channel] = .nan
                }
                for vector in [w.pw1Bias, w.prelu1Slope, w.dwBias, w.prelu2Slope] { vector[channel] = .nan }
                silenced += 1
            }
        }
        let guaranteed = c.blocks * max(0, c.convChannels - 3 * c.channelCap(budget: budget))
        #expect(silenced >= guaranteed && silenced > 0, "only \(silenced) channels never active")
        let output = try Denoiser(model: poisoned, budget: budget, kernels: kernels).denoise(speech)
        #expect(output.allSatisfy { $0.isFinite })
        #expect(output == reference)
    }
}
