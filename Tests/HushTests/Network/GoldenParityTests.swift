import Hush
import Testing

/// Parity with the PyTorch reference on the committed golden fixtures (training/golden/): one
/// per model file, the bundled float32 model and its int8 twin (training/reference.py runs the
/// int8 file on its dequantized weights).
@Suite("Parity with the training framework")
struct GoldenParityTests {
    /// A golden fixture and the model file it was computed from.
    struct Pair: CustomTestStringConvertible, Sendable {
        var golden: String, model: String
        var testDescription: String { model }
    }

    static let pairs = [Pair(golden: "training/golden/golden.hush", model: "models/hush-default.hush"),
                        Pair(golden: "training/golden/golden-int8.hush", model: "models/hush-default-int8.hush")]

    struct Golden {
        let bytes: [UInt8]
        let container: ModelContainer
        func array(_ name: String) throws -> [Float] {
            try bytes.withUnsafeBytes { raw throws(HushError) in try container.array(name, from: raw) }
        }
        func int(_ key: String) throws -> Int { try container.int(key, in: Int.min...Int.max) }
    }

    static func golden(_ path: String) throws -> Golden {
        let bytes = try Fixtures.bytes(path)
        let container = try bytes.withUnsafeBytes { raw throws(HushError) in try ModelContainer(bytes: raw) }
        return Golden(bytes: bytes, container: container)
    }

    @Test("golden fixtures were made from their model files", arguments: pairs)
    func sameModel(_ pair: Pair) throws {
        let g = try Self.golden(pair.golden)
        let model = try Fixtures.bytes(pair.model)
        let crc = model.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(Int32(truncatingIfNeeded: try g.int("model_crc32")) == Int32(bitPattern: crc))
    }

    @Test("gates, mask and output match PyTorch", arguments: pairs, [("b100", Float(1)), ("b025", Float(0.25))])
    func parity(_ pair: Pair, _ run: (tag: String, budget: Float)) throws {
        let (tag, budget) = run
        let g = try Self.golden(pair.golden)
        let model = try Model.load(Fixtures.bytes(pair.model))
        let c = model.configuration
        let (B, C, F, hop) = (c.blocks, c.convChannels, c.bins, c.stft.hop)
        let frames = try g.int("golden_frames")
        let input = try g.array("input")
        let gates = try g.array(tag + ".gates")
        let scores = try g.array(tag + ".scores")
        let mask = try g.array(tag + ".mask")
        let output = try g.array(tag + ".output")
        // The speech-activity head's probabilities, present when the model file has a head.
        let speech = model.hasSpeechHead ? try g.array(tag + ".speech_probability") : nil
        #expect(input.count == frames * hop)

        let network = try GatedNetwork(model: model, budget: budget)
        let denoiser = try Denoiser(configuration: c.stft, stage: network)
        var produced = [Float](repeating: 0, count: frames * hop)
        var flips = 0
        var unexplained: [String] = []
        var maskError: Float = 0
        var speechError: Float = 0
        let cap = c.channelCap(budget: budget)
        for t in 0..<frames {
            try input.withUnsafeBufferPointer { i in
                try produced.withUnsafeMutableBufferPointer { o in
                    let n = try denoiser.process(UnsafeBufferPointer(rebasing: i[(t * hop)..<((t + 1) * hop)]),
                                                 into: UnsafeMutableBufferPointer(rebasing: o[(t * hop)...]))
                    #expect(n == hop)
                }
            }
            for b in 0..<B {
                var mine = [Bool](repeating: false, count: C)
                for ch in network.lastActiveChannels(block: b) { mine[Int(ch)] = true }
                let base = (b * frames + t) * C
                let theirScores = Array(scores[base..<(base + C)])
                let threshold = theirScores.sorted(by: >)[min(cap, C) - 1]
                for ch in 0..<C where mine[ch] != (gates[base + ch] > 0.5) {
                    flips += 1
                    let s = theirScores[ch]
                    let margin = min(abs(s), abs(s - threshold))
                    if margin > 1e-3 { unexplained.append("block \(b) frame \(t) ch \(ch) score \(s)") }
                }
            }
            for f in 0..<F { maskError = max(maskError, abs(network.lastMask[f] - mask[t * F + f])) }
            if let speech { speechError = max(speechError, abs(network.lastFrame.speechProbability - speech[t])) }
        }
        let pairs = B * frames * C
        var outputError: Float = 0
        for i in 0..<produced.count { outputError = max(outputError, abs(produced[i] - output[i])) }
        print("parity \(pair.model) \(tag): \(flips) gate flips of \(pairs), mask max error \(maskError), output max error \(outputError)"
              + (speech == nil ? "" : ", speech probability max error \(speechError)"))
        #expect(Double(pairs - flips) / Double(pairs) >= 0.999, "\(flips) flips of \(pairs)")
        #expect(unexplained.count == 0, "flips not within float noise of a threshold, e.g. \(unexplained.prefix(3))")
        #expect(maskError <= 1e-4, "mask max abs error \(maskError)")
        #expect(outputError <= 1e-4, "output max abs error \(outputError)")
        #expect(speechError <= 1e-4, "speech probability max abs error \(speechError)")
    }
}
