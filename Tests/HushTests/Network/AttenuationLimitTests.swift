import Foundation
import Hush
import Testing

@Suite("Attenuation limit")
struct AttenuationLimitTests {
    /// Runs `frames` frames of a fixed pseudo-random spectrum through `network` and returns, for
    /// the last frame, the input spectrum, the output spectrum and the network's mask.
    static func lastFrame(_ network: GatedNetwork, frames: Int = 6) -> (input: [Float], output: [Float], mask: [Float]) {
        let bins = network.model.configuration.bins
        var rng = SplitMix(seed: 7)
        var input: [Float] = []
        var output: [Float] = []
        for _ in 0..<frames {
            input = (0..<(2 * bins)).map { _ in (rng.float() - 0.5) * 4 }
            output = input
            output.withUnsafeMutableBufferPointer { network.process(spectrum: $0.baseAddress!, bins: bins) }
        }
        return (input, output, Array(network.lastMask))
    }

    @Test("each bin gets floor + (1 − floor)·mask, floor = 10^(−L/20); none: the mask itself",
          arguments: [Float(20), 6, .infinity], [KernelChoice.fast, .reference])
    func gain(limit: Float, kernels: KernelChoice) throws {
        let network = try GatedNetwork(model: try Model.bundled(), kernels: kernels)
        #expect(network.attenuationLimit == 20)  // the bundled model's default
        try network.setAttenuationLimit(limit)
        #expect(network.attenuationLimit == limit)
        let (input, output, mask) = Self.lastFrame(network)
        let floor = limit == .infinity ? 0 : Float(pow(10, -Double(limit) / 20))
        var seenLow = false
        for f in 0..<mask.count {
            let gain = floor + (1 - floor) * mask[f]
            seenLow = seenLow || mask[f] < 0.05
            for part in 0..<2 {
                let expected = gain * input[2 * f + part]
                #expect(abs(output[2 * f + part] - expected) <= 1e-5 * max(1, abs(expected)))
            }
        }
        #expect(seenLow, "the test spectrum should drive some bins' mask below the floor")
    }

    @Test("the limit changes the output but not the network: same mask, same gates")
    func onlyTheGain() throws {
        let model = try Model.bundled()
        let limited = try GatedNetwork(model: model)
        let unlimited = try GatedNetwork(model: model)
        try unlimited.setAttenuationLimit(.infinity)
        let a = Self.lastFrame(limited), b = Self.lastFrame(unlimited)
        #expect(a.mask == b.mask)
        #expect(a.output != b.output)
        for i in 0..<model.configuration.blocks {
            #expect(Array(limited.lastActiveChannels(block: i)) == Array(unlimited.lastActiveChannels(block: i)))
        }
    }

    @Test("a limit that is not > 0 is refused and the old one stays")
    func invalid() throws {
        let network = try GatedNetwork(model: try Model.bundled())
        try network.setAttenuationLimit(12)
        for bad: Float in [0, -3, .nan, -.infinity] {
            #expect(throws: HushError.self) { try network.setAttenuationLimit(bad) }
        }
        #expect(network.attenuationLimit == 12)
    }
}
