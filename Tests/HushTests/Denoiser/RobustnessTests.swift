import Hush
import Testing

@Suite("Numerical hygiene and determinism")
struct RobustnessTests {
    @Test("NaN, Inf and huge samples are replaced, counted, and never reach the network's state")
    func hostileSamples() throws {
        let speech = try Fixtures.realSpeech()
        var poisoned = speech
        for i in stride(from: 1000, to: poisoned.count, by: 997) {
            poisoned[i] = [Float.nan, .infinity, -.infinity, 1e30, -3e9][i % 5]
        }
        let denoiser = try Denoiser(model: try Model.bundled())
        let out = denoiser.denoise(poisoned)
        let replaced = Array(stride(from: 1000, to: poisoned.count, by: 997)).count
        #expect(denoiser.sanitizedSampleCount == replaced)
        #expect(out.allSatisfy { $0.isFinite && abs($0) <= 1 })
        // The state recovers: after the poisoned region, a clean stream gives clean output.
        let after = denoiser.denoise(speech)
        #expect(after.allSatisfy { $0.isFinite })
        #expect(denoiser.sanitizedSampleCount == 0)
    }

    @Test("full-scale square waves and DC stay finite and within ±1")
    func extremes() throws {
        let denoiser = try Denoiser(model: try Model.bundled())
        let square = (0..<16_000).map { i in (i / 40) % 2 == 0 ? Float(1) : -1 }
        let dc = [Float](repeating: 1, count: 16_000)
        for signal in [square, dc] {
            let out = denoiser.denoise(signal)
            #expect(out.count == signal.count && out.allSatisfy { $0.isFinite && abs($0) <= 1 })
        }
    }

    @Test("same input, model and budget give bit-identical output across runs and chunkings",
          arguments: [Float(1), 0.5, 0.25])
    func determinism(budget: Float) throws {
        let speech = Array(try Fixtures.realSpeech().prefix(12_000))
        let model = try Model.bundled()
        var reference: [Float]?
        for chunk in [speech.count, 1, 7, 160, 4096] {
            let denoiser = try Denoiser(model: model, budget: budget)
            var out = [Float](repeating: 0, count: speech.count + denoiser.maximumFinishCount)
            var written = 0
            try speech.withUnsafeBufferPointer { input in
                try out.withUnsafeMutableBufferPointer { o in
                    var at = 0
                    while at < input.count {
                        let end = min(at + chunk, input.count)
                        written += try denoiser.process(UnsafeBufferPointer(rebasing: input[at..<end]),
                                                        into: UnsafeMutableBufferPointer(rebasing: o[written...]))
                        at = end
                    }
                    written += try denoiser.finish(into: UnsafeMutableBufferPointer(rebasing: o[written...]))
                }
            }
            let result = Array(out[0..<written])
            if let reference {
                #expect(result.elementsEqual(reference) { $0.bitPattern == $1.bitPattern }, "chunk \(chunk)")
            } else {
                reference = result
            }
        }
    }

    @Test("changing the budget mid-stream keeps the output continuous")
    func budgetSwitch() throws {
        let speech = try Fixtures.realSpeech()
        let denoiser = try Denoiser(model: try Model.bundled())
        let network = try #require(denoiser.network)
        var out = [Float](repeating: 0, count: speech.count + denoiser.maximumFinishCount)
        var written = 0
        try speech.withUnsafeBufferPointer { input in
            try out.withUnsafeMutableBufferPointer { o in
                var at = 0
                var frame = 0
                while at < input.count {
                    let end = min(at + 256, input.count)
                    written += try denoiser.process(UnsafeBufferPointer(rebasing: input[at..<end]),
                                                    into: UnsafeMutableBufferPointer(rebasing: o[written...]))
                    frame += 1
                    try network.setBudget([1, 0.25, 0.5, 0.75][frame / 10 % 4])
                    at = end
                }
            }
        }
        // No step larger than the signal itself could produce: |Δy| stays below 2 (full scale
        // both ways) and the output stays finite.
        #expect(out[0..<written].allSatisfy { $0.isFinite })
        #expect(zip(out[1..<written], out[0..<(written - 1)]).allSatisfy { abs($0 - $1) < 2 })
        #expect(throws: HushError.self) { try network.setBudget(0) }
        #expect(throws: HushError.self) { try network.setBudget(.nan) }
        #expect(throws: HushError.self) { try network.setBudget(1.01) }
    }
}
