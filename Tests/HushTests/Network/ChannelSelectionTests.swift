@testable import Hush
import Testing

@Suite("Budget-capped channel selection")
struct ChannelSelectionTests {
    /// The definition, written the slow obvious way: positive scores, sorted by (score desc,
    /// index asc), the first `cap`, returned ascending.
    static func specification(_ scores: [Float], cap: Int) -> [Int32] {
        let positive = scores.indices.filter { scores[$0] > 0 }
        let ranked = positive.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return ranked.prefix(cap).sorted().map { Int32($0) }
    }

    static func select(_ scores: [Float], cap: Int, hint: Int32 = 0) -> [Int32] {
        var out = [Int32](repeating: -1, count: scores.count)
        var hint = hint
        let n = scores.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                ChannelSelection.select(scores: s.baseAddress!, count: scores.count, cap: cap,
                                        hint: &hint, into: o.baseAddress!)
            }
        }
        return Array(out.prefix(n))
    }

    @Test("matches the specification on random scores, with ties and every cap")
    func random() {
        var rng = SplitMix(seed: 7)
        for trial in 0..<400 {
            let count = [1, 3, 16, 64, 256][trial % 5]
            // Quantised scores make ties common; some trials use continuous or heavy-tailed scores.
            let scores = (0..<count).map { _ in
                switch trial % 4 {
                case 0: rng.float()
                // Heavy tails: a few huge and many tiny scores (interpolation's worst case).
                case 1: rng.float() * Float(1 << (rng.next() % 24)) / Float(1 << 12)
                default: Float(Int(rng.next() % 9) - 4) * 0.5
                }
            }
            for cap in [1, 2, count / 4, count / 2, count].filter({ $0 >= 1 }) {
                let expected = Self.specification(scores, cap: cap)
                #expect(Self.select(scores, cap: cap) == expected)
                // The hint (last frame's threshold) only steers the search, never the result:
                // in range, out of range, negative, on a score.
                let onScore = scores[Int(rng.next() % UInt64(count))].bitPattern
                for hint in [Int32(bitPattern: onScore), Int32(bitPattern: UInt32(truncatingIfNeeded: rng.next())),
                             -5, 0, 0x3F80_0000, .max] {
                    #expect(Self.select(scores, cap: cap, hint: hint) == expected)
                }
            }
        }
    }

    @Test("channel cap is ceil(b·C)")
    func cap() throws {
        let model = try Model.bundled()
        let c = model.configuration
        #expect(c.channelCap(budget: 1) == c.convChannels)
        #expect(c.channelCap(budget: 0.25) == (c.convChannels + 3) / 4)
        #expect(c.channelCap(budget: 1e-6) == 1)
        #expect(c.channelCap(budget: 0.5 + 1e-9) == c.convChannels / 2)
    }
}

/// A tiny deterministic generator for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
