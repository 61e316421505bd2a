import Foundation
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
            // And the closed form, which the fixture below holds to training's.
            let counts = (0..<c.blocks).map { fast.lastActiveChannels(block: $0).count }
            for n in counts { #expect(n <= c.channelCap(budget: budget)) }
            #expect(fast.lastFrame.executedMACs == c.shape.executedMACsPerFrame(activeCounts: counts))
            for i in 0..<hop { maxDifference = max(maxDifference, abs(a[i] - b[i])) }
        }
        #expect(maxDifference <= 1e-4, "fast vs reference network output differ by \(maxDifference)")
        let totals = fast.totals
        #expect(totals.frames == speech.count / hop)
        #expect(totals.denseMACs == totals.frames * c.denseMACsPerFrame)
    }

    /// training/golden/macs.json as training/macformula.py writes it.
    struct Fixture: Decodable {
        struct Shape: Decodable {
            struct Executed: Decodable { let active: [Int]; let macs: Int }
            struct Cap: Decodable { let budget: Double; let cap: Int }
            let R, C, G, B, K, F, n_fft, hop, dense: Int
            let executed: [Executed]
            let caps: [Cap]
        }
        let shapes: [Shape]
    }

    @Test("dense, executed and cap agree with training/macformula.py on every shape of the shared fixture")
    func sharedFixture() throws {
        let json = try Fixtures.bytes("training/golden/macs.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(json))
        let bundled = try Model.bundled().configuration.shape
        #expect(fixture.shapes.count >= 4)
        var sawBundled = false
        for row in fixture.shapes {
            var shape = bundled
            shape.stft = try STFTConfiguration(frameLength: row.n_fft, hop: row.hop)
            (shape.residualChannels, shape.convChannels, shape.gateRank) = (row.R, row.C, row.G)
            (shape.blocks, shape.kernelSize) = (row.B, row.K)
            let label = "R=\(row.R) C=\(row.C) G=\(row.G) B=\(row.B) K=\(row.K) n_fft=\(row.n_fft)"
            #expect(shape.bins == row.F, "\(label)")
            #expect(shape.denseMACsPerFrame == row.dense, "\(label)")
            #expect(!row.executed.isEmpty)
            for e in row.executed {
                #expect(shape.executedMACsPerFrame(activeCounts: e.active) == e.macs, "\(label) \(e.active)")
            }
            for cap in row.caps {
                #expect(shape.channelCap(budget: Float(cap.budget)) == cap.cap, "\(label) b=\(cap.budget)")
            }
            sawBundled = sawBundled || shape == bundled
        }
        #expect(sawBundled, "the fixture lacks the bundled model's shape")
    }
}
