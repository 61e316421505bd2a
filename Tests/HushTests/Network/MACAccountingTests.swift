import Hush
import Testing

@Suite("MAC accounting")
struct MACAccountingTests {
    @Test("the network's count equals a brute-force count of the reference kernels, per frame",
          arguments: [Float(1), 0.75, 0.5, 0.25])
    func bruteForce(budget: Float) throws {
        let model = try Model.bundled()
        let c = model.configuration
        let fast = try GatedNetwork(model: model, budget: budget)
        let reference = try GatedNetwork(model: model, budget: budget, kernels: .reference)
        let fastDenoiser = try Denoiser(configuration: c.stft, stage: fast)
        let referenceDenoiser = try Denoiser(configuration: c.stft, stage: reference)
        let speech = try Fixtures.realSpeech()
        let hop = c.stft.hop
        var a = [Float](repeating: 0, count: hop), b = a
        var maxDifference: Float = 0
        for t in 0..<(speech.count / hop) {
            let chunk = Array(speech[(t * hop)..<((t + 1) * hop)])
            try chunk.withUnsafeBufferPointer { i in
                try a.withUnsafeMutableBufferPointer { _ = try fastDenoiser.process(i, into: $0) }
                try b.withUnsafeMutableBufferPointer { _ = try referenceDenoiser.process(i, into: $0) }
            }
            #expect(fast.lastFrame.executedMACs == reference.lastReferenceCount, "frame \(t)")
            // And the closed form: front/back-end, gates, and (2R + K) per active channel.
            var expected = 2 * c.bins * c.residualChannels + c.blocks * c.gateMACsPerBlock
            for blk in 0..<c.blocks {
                expected += fast.lastActiveChannels(block: blk).count * c.macsPerActiveChannel
                #expect(fast.lastActiveChannels(block: blk).count <= c.channelCap(budget: budget))
            }
            #expect(fast.lastFrame.executedMACs == expected)
            for i in 0..<hop { maxDifference = max(maxDifference, abs(a[i] - b[i])) }
        }
        #expect(maxDifference <= 1e-4, "fast vs reference network output differ by \(maxDifference)")
        let totals = fast.totals
        #expect(totals.frames == speech.count / hop)
        #expect(totals.denseMACs == totals.frames * c.denseMACsPerFrame)
    }

    @Test("dense count follows FORMAT.md's formula")
    func dense() throws {
        let c = try Model.bundled().configuration
        let (R, C, K, F, B) = (c.residualChannels, c.convChannels, c.kernelSize, c.bins, c.blocks)
        #expect(c.denseMACsPerFrame == F * R + B * (R * C + K * C + C * R) + R * F)
    }
}
