import AllocationCounter
import Hush
import Testing

@Suite("The frame loop allocates nothing")
struct AllocationTests {
    /// Streams `input` in varying chunk sizes, switching the budget between chunks, then drains.
    static func run(_ denoiser: Denoiser, _ network: GatedNetwork, _ input: UnsafeBufferPointer<Float>,
                    _ out: UnsafeMutableBufferPointer<Float>) throws {
        denoiser.reset()
        var written = 0
        var start = 0
        var chunk = 1
        while start < input.count {
            let end = min(start + chunk, input.count)
            written += try denoiser.process(UnsafeBufferPointer(rebasing: input[start..<end]),
                                            into: UnsafeMutableBufferPointer(rebasing: out[written...]))
            try network.setBudget(chunk % 2 == 0 ? 0.25 : 1)
            _ = network.lastFrame
            start = end
            chunk = chunk * 3 % 1000 + 1
        }
        written += try denoiser.finish(into: UnsafeMutableBufferPointer(rebasing: out[written...]))
    }

    @Test("process, budget changes and finish make no heap allocation",
          .enabled(if: hush_allocation_counting_available() == 1, "a sanitizer owns malloc"))
    func noAllocation() throws {
        let denoiser = try Denoiser(model: try Model.bundled())
        let network = try #require(denoiser.network)
        let allocations = try Self.allocations(denoiser, network, try Fixtures.realSpeech())
        #expect(network.totals.frames > 150)
        #expect(allocations == 0)
    }

    /// Heap allocations of the second of two `run`s over `speech` (the first lets the Swift
    /// runtime instantiate its lazy type metadata once; the second is the steady state a device
    /// runs in).
    static func allocations(_ denoiser: Denoiser, _ network: GatedNetwork, _ speech: [Float]) throws -> Int {
        var output = [Float](repeating: 0, count: speech.count + denoiser.maximumFinishCount)
        return try speech.withUnsafeBufferPointer { input in
            try output.withUnsafeMutableBufferPointer { out in
                try run(denoiser, network, input, out)
                hush_allocation_counting_begin()
                try run(denoiser, network, input, out)
                return Int(hush_allocation_counting_end())
            }
        }
    }

    @Test("the counter itself sees allocations (the test can fail)",
          .enabled(if: hush_allocation_counting_available() == 1, "a sanitizer owns malloc"))
    func counterWorks() {
        hush_allocation_counting_begin()
        let array = [Int](repeating: 1, count: Int.random(in: 100...200))
        let count = hush_allocation_counting_end()
        #expect(array.count >= 100)
        #expect(count >= 1)
    }
}
