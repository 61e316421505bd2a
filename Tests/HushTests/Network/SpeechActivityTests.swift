import AllocationCounter
import Hush
import Testing

/// The optional speech-activity head (training/FORMAT.md, "Speech-activity head") against
/// training/reference.py on a committed tiny model (training/vad_fixture.py writes the fixtures),
/// and its contract: a file without the head loads and reports −1, a mis-shaped head is rejected.
@Suite("Speech activity from the gates")
struct SpeechActivityTests {
    static let directory = "Tests/HushTests/Network/Fixtures/"

    static func model(_ name: String) throws -> Model {
        try Model.load(try Fixtures.bytes(directory + name))
    }

    /// The fixture's golden tensor `name` (an extra tensor the model reader ignores).
    static func golden(_ name: String) throws -> [Float] {
        let bytes = try Fixtures.bytes(directory + "vad_tiny.hush")
        return try bytes.withUnsafeBytes { raw throws(HushError) in
            try ModelContainer(bytes: raw).array(name, from: raw)
        }
    }

    /// Runs `input` hop by hop; returns the speech probability and the active counts of each frame.
    static func run(_ network: GatedNetwork, _ input: [Float]) throws -> (p: [Float], active: [[Int]]) {
        let c = network.model.configuration
        let denoiser = try Denoiser(configuration: c.stft, stage: network)
        let hop = c.stft.hop
        var out = [Float](repeating: 0, count: hop)
        var p: [Float] = []
        var active: [[Int]] = []
        for t in 0..<(input.count / hop) {
            try input.withUnsafeBufferPointer { i in
                try out.withUnsafeMutableBufferPointer { o in
                    _ = try denoiser.process(UnsafeBufferPointer(rebasing: i[(t * hop)..<((t + 1) * hop)]), into: o)
                }
            }
            p.append(network.lastFrame.speechProbability)
            active.append((0..<c.blocks).map { network.lastActiveChannels(block: $0).count })
        }
        return (p, active)
    }

    @Test("probabilities match reference.py", arguments: [("b100", Float(1)), ("b050", Float(0.5))])
    func parity(tag: String, budget: Float) throws {
        let model = try Self.model("vad_tiny.hush")
        #expect(model.hasSpeechHead)
        let input = try Self.golden("input")
        let expected = try Self.golden(tag + ".speech_probability")
        let expectedActive = try Self.golden(tag + ".active")
        let (p, active) = try Self.run(try GatedNetwork(model: model, budget: budget), input)
        #expect(p.count == expected.count && p.count == 100)
        let B = model.configuration.blocks
        var worst: Float = 0
        for t in 0..<p.count {
            for b in 0..<B { #expect(active[t][b] == Int(expectedActive[t * B + b]), "frame \(t) block \(b)") }
            worst = max(worst, abs(p[t] - expected[t]))
        }
        #expect(worst < 1e-5, "max |Swift − reference| = \(worst)")
        // The fixture is not degenerate: the probabilities move.
        #expect((expected.max() ?? 0) - (expected.min() ?? 0) > 0.3)
    }

    @Test("reset restarts the smoothing; fast and reference kernels agree")
    func resetAndKernels() throws {
        let model = try Self.model("vad_tiny.hush")
        let input = try Self.golden("input")
        let network = try GatedNetwork(model: model)
        let first = try Self.run(network, input).p
        network.reset()
        #expect(try Self.run(network, input).p == first)
        let reference = try Self.run(try GatedNetwork(model: model, kernels: .reference), input).p
        #expect(zip(first, reference).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test("without a head (or without gates) the probability is −1; a mis-shaped head is rejected")
    func unavailable() throws {
        let input = try Self.golden("input")
        let noHead = try Self.model("vad_tiny_nohead.hush")
        #expect(!noHead.hasSpeechHead)
        let network = try GatedNetwork(model: noHead)
        #expect(network.lastFrame.speechProbability == -1)
        #expect(try Self.run(network, input).p.allSatisfy { $0 == -1 })
        let dense = try GatedNetwork(model: try Self.model("vad_tiny.hush"), gating: .denseUngated)
        #expect(try Self.run(dense, input).p.allSatisfy { $0 == -1 })
        #expect(throws: HushError.self) { try Self.model("vad_tiny_badhead.hush") }
    }

    @Test("the head's cost: 2B + 1 multiply-adds, outside the executed network MACs")
    func cost() throws {
        let withHead = try Self.model("vad_tiny.hush")
        let noHead = try Self.model("vad_tiny_nohead.hush")
        #expect(withHead.configuration.speechHeadMACsPerFrame == 2 * 3 + 1)
        let input = try Self.golden("input")
        let a = try GatedNetwork(model: withHead), b = try GatedNetwork(model: noHead)
        _ = try Self.run(a, input)
        _ = try Self.run(b, input)
        #expect(a.totals.executedMACs == b.totals.executedMACs)
    }

    @Test("the head's weights are in the measured memory footprint (no second formula)")
    func footprint() throws {
        for name in ["vad_tiny.hush", "vad_tiny_nohead.hush"] {
            let bytes = try Fixtures.bytes(Self.directory + name)
            let model = try Model.load(bytes)
            #expect(model.configuration.hasSpeechHead == model.hasSpeechHead)
            let measured = MemoryFootprint(configuration: model.configuration)
            let required = try bytes.withUnsafeBytes { raw throws(HushError) in
                try ModelImage.requiredBytes(try ModelFile(bytes: raw))
            }
            #expect(required == Arena.requiredSize(measured: measured.model), "\(name)")
        }
    }

    @Test("the head adds no allocation to the frame loop",
          .enabled(if: hush_allocation_counting_available() == 1, "a sanitizer owns malloc"))
    func noAllocation() throws {
        let denoiser = try Denoiser(model: try Self.model("vad_tiny.hush"))
        let network = try #require(denoiser.network)
        let allocations = try AllocationTests.allocations(denoiser, network, try Self.golden("input"))
        #expect(network.lastFrame.speechProbability > 0 && network.lastFrame.speechProbability < 1)
        #expect(allocations == 0)
    }
}
