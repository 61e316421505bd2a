import Foundation
import Testing
@testable import HushMetrics

@Suite("STOI and ESTOI against pystoi")
struct STOITests {
    /// Agreement with the oracle: the README claims agreement within 1e-5; oracle.csv holds 6 decimals (±5e-7 rounding).
    static let tolerance = 1.5e-5

    static let pairs = ValidationSet.pairs.filter { $0.stoi != nil }

    @Test("the CI subset has STOI oracle rows at both rates")
    func subsetIsThere() {
        #expect(Self.pairs.count >= 8)
        #expect(Set(Self.pairs.map(\.rate)) == [8_000, 16_000])
    }

    @Test("STOI and ESTOI within 1e-5 of pystoi", arguments: pairs)
    func agreesWithPystoi(_ pair: ValidationPair) throws {
        let (clean, degraded) = try pair.audio()
        let stoi = try STOI.score(clean: clean, enhanced: degraded, sampleRate: pair.rate)
        let estoi = try STOI.score(clean: clean, enhanced: degraded, sampleRate: pair.rate, extended: true)
        #expect(abs(stoi - pair.stoi!) <= Self.tolerance, "STOI \(stoi) vs \(pair.stoi!)")
        #expect(abs(estoi - pair.estoi!) <= Self.tolerance, "ESTOI \(estoi) vs \(pair.estoi!)")
    }

    @Test("identical signals score 1")
    func identical() throws {
        let pair = try #require(Self.pairs.first)
        let (clean, _) = try pair.audio()
        #expect(abs(try STOI.score(clean: clean, enhanced: clean, sampleRate: pair.rate) - 1) < 1e-9)
        #expect(abs(try STOI.score(clean: clean, enhanced: clean, sampleRate: pair.rate, extended: true) - 1) < 1e-6)
    }

    @Test("different lengths and too little speech are refused, not scored")
    func refusals() {
        #expect(throws: MetricsError.lengthMismatch(clean: 3, enhanced: 2)) {
            try STOI.score(clean: [0, 0, 0], enhanced: [0, 0], sampleRate: 16_000)
        }
        let short = (0..<4_000).map { Float(sin(Double($0) * 0.3)) }
        #expect(throws: MetricsError.self) {
            try STOI.score(clean: short, enhanced: short, sampleRate: 16_000)
        }
    }

    @Test("the Octave-compatible resampler keeps a low tone and its length")
    func resampler() {
        let x = (0..<1_600).map { sin(2 * Double.pi * 200 * Double($0) / 16_000) }
        let y = OctaveResampler.resample(x, from: 16_000, to: 10_000)
        #expect(y.count == 1_000)
        for k in 200..<800 {
            let expected: Double = sin(2 * Double.pi * 200 * Double(k) / 10_000)
            #expect(abs(y[k] - expected) < 2e-3)
        }
    }
}
