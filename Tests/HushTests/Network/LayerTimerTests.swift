import Hush
import Testing

/// The per-layer profile is taken inside the network's own frame code: with a timer the frame
/// computes the same bits, and every layer of the real path (gates, selection, the fused
/// per-channel kernel, …) gets time.
@Suite("per-layer timing of the real frame")
struct LayerTimerTests {
    /// A counter standing in for a clock: each reading is one "nanosecond" later.
    nonisolated(unsafe) static var ticks: UInt64 = 0

    @Test("timing changes no output bit and reaches every layer")
    func timed() throws {
        let model = try Model.bundled()
        let plain = try GatedNetwork(model: model, budget: 0.5), timed = try GatedNetwork(model: model, budget: 0.5)
        let layers = LayerTimer.Layer.allCases.count
        let totals = UnsafeMutablePointer<UInt64>.allocate(capacity: layers)
        defer { totals.deallocate() }
        totals.initialize(repeating: 0, count: layers)
        let timer = LayerTimer(clock: { LayerTimerTests.ticks += 1; return LayerTimerTests.ticks }, nanoseconds: totals)
        let speech = try Fixtures.realSpeech()
        let bins = model.configuration.bins
        for frame in 0..<20 {
            // Some spectrum-like input: two rows of speech samples as (re, im) pairs.
            let a = (0..<(2 * bins)).map { speech[(frame * 256 + $0) % speech.count] * 100 }
            var b = a
            var c = a
            b.withUnsafeMutableBufferPointer { plain.process(spectrum: $0.baseAddress!, bins: bins) }
            c.withUnsafeMutableBufferPointer { timed.process(spectrum: $0.baseAddress!, bins: bins, timer: timer) }
            #expect(b == c)
        }
        for layer in LayerTimer.Layer.allCases { #expect(totals[layer.rawValue] > 0, "\(layer)") }
        // One lap per layer and frame, per block for the block parts (bookkeeping twice).
        let blocks = UInt64(model.configuration.blocks)
        #expect(totals[LayerTimer.Layer.gatedChannels.rawValue] == 20 * blocks)
        #expect(totals[LayerTimer.Layer.blockBookkeeping.rawValue] == 40 * blocks)
    }
}
