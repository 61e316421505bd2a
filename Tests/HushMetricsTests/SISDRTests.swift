import Foundation
import Testing
@testable import HushMetrics

@Suite("SI-SDR and segmental SNR")
struct SISDRTests {
    /// Agreement with the oracle: the README claims agreement within 1e-5; oracle.csv holds 6 decimals (±5e-7 rounding).
    static let tolerance = 1.5e-5

    @Test("SI-SDR against numpy on the CI subset (within 1e-5 dB)",
          arguments: ValidationSet.pairs.filter { $0.siSDR != nil })
    func agreesWithNumpy(_ pair: ValidationPair) throws {
        let (clean, degraded) = try pair.audio()
        let value = try SISDR.decibels(clean: clean, enhanced: degraded)
        #expect(abs(value - pair.siSDR!) <= Self.tolerance, "\(value) vs \(pair.siSDR!)")
    }

    @Test("segmental SNR against the composite-measure code on the CI subset (within 1e-5 dB)",
          arguments: ValidationSet.pairs.filter { $0.segmentalSNR != nil })
    func segmentalAgrees(_ pair: ValidationPair) throws {
        let (clean, degraded) = try pair.audio()
        let value = try SegmentalSNR.decibels(clean: clean, enhanced: degraded, sampleRate: pair.rate)
        #expect(abs(value - pair.segmentalSNR!) <= Self.tolerance, "\(value) vs \(pair.segmentalSNR!)")
    }

    @Test("scale, offset and an orthogonal error give the exact ratio")
    func analytic() throws {
        // s = [1, −1, 1, −1], e = 3s + 0.5 + n with n ⟂ s and zero-mean: SI-SDR = 10·log10(9·4 / ‖n‖²).
        let s: [Float] = [1, -1, 1, -1]
        let n: [Float] = [1, 1, -1, -1]
        let e = (0..<4).map { 3 * s[$0] + 0.5 + 0.3 * n[$0] }
        let expected = 10 * log10(36.0 / (0.09 * 4))
        #expect(abs(try SISDR.decibels(clean: s, enhanced: e) - expected) < 1e-5)
        #expect(throws: MetricsError.silentReference) { try SISDR.decibels(clean: [0, 0], enhanced: [1, 2]) }
        #expect(throws: MetricsError.lengthMismatch(clean: 2, enhanced: 1)) {
            try SISDR.decibels(clean: [1, 2], enhanced: [1])
        }
    }

    @Test("segmental SNR clamps to [−10, 35] dB")
    func segmentalClamps() throws {
        let x = (0..<16_000).map { Float(sin(Double($0) * 0.05)) }
        #expect(try SegmentalSNR.decibels(clean: x, enhanced: x, sampleRate: 16_000) == 35)
        let silent = [Float](repeating: 0, count: x.count)
        #expect(abs(try SegmentalSNR.decibels(clean: x, enhanced: silent, sampleRate: 16_000)) < 1e-9)
        let inverted = x.map { -$0 }
        let value = try SegmentalSNR.decibels(clean: x, enhanced: inverted, sampleRate: 16_000)
        #expect(abs(value - 10 * log10(0.25)) < 1e-3)
    }
}
