import Foundation
import Testing
@testable import HushMetrics

@Suite("PESQ against the ITU reference code (pesq 0.0.4)")
struct PESQTests {
    /// Agreement with the oracle: the README claims agreement to the 6th decimal; oracle.csv holds 6 decimals (±5e-7 rounding).
    static let tolerance = 1.5e-6

    static let pairs = ValidationSet.pairs.filter { $0.pesqNarrowBand != nil }

    @Test("NB and WB agree with the reference to the 6th decimal on the CI subset", arguments: pairs)
    func agreesWithReference(_ pair: ValidationPair) throws {
        let (clean, degraded) = try pair.audio()
        let nb = try PESQ.mos(reference: clean, degraded: degraded, sampleRate: pair.rate, mode: .narrowBand)
        #expect(abs(nb - pair.pesqNarrowBand!) <= Self.tolerance, "NB \(nb) vs \(pair.pesqNarrowBand!)")
        if let reference = pair.pesqWideBand {
            let wb = try PESQ.mos(reference: clean, degraded: degraded, sampleRate: pair.rate, mode: .wideBand)
            #expect(abs(wb - reference) <= Self.tolerance, "WB \(wb) vs \(reference)")
        }
    }

    @Test("WB with Corrigendum 2 within 0.001 MOS of pesqc2 on the CI subset",
          arguments: pairs.filter { $0.composite?.pesqWideBandCorrigendum2 != nil })
    func corrigendum2AgreesWithPesqc2(_ pair: ValidationPair) throws {
        let reference = try #require(pair.composite?.pesqWideBandCorrigendum2)
        let (clean, degraded) = try pair.audio()
        let wb = try PESQ.mos(reference: clean, degraded: degraded, sampleRate: pair.rate, mode: .wideBand,
                              revision: .corrigendum2)
        #expect(abs(wb - reference) <= 0.001, "WB C2 \(wb) vs \(reference)")
    }

    @Test("Corrigendum 2 changes only the WB filter: NB is the same number, WB is not")
    func corrigendum2Scope() throws {
        let pair = try #require(Self.pairs.first { $0.rate == 16_000 && $0.composite?.pesqWideBandCorrigendum2 != nil })
        let (clean, degraded) = try pair.audio()
        func score(_ mode: PESQ.Mode, _ revision: PESQ.Revision) throws -> Double {
            try PESQ.mos(reference: clean, degraded: degraded, sampleRate: 16_000, mode: mode, revision: revision)
        }
        #expect(try score(.narrowBand, .corrigendum2) == score(.narrowBand, .original))
        #expect(try score(.wideBand, .corrigendum2) != score(.wideBand, .original))
        let filter = PESQFilters.corrigendum2(PESQFilters.wideBandInput16k)[0]
        #expect(filter.b0 == Float(0.251188 * Double(Float(2.740826))) && filter.a1 == PESQFilters.wideBandInput16k[0].a1)
    }

    @Test("the CI subset covers both rates, WB, and delayed pairs of different lengths")
    func coverage() {
        #expect(Set(Self.pairs.map(\.rate)) == [8_000, 16_000])
        #expect(Self.pairs.filter { $0.pesqWideBand != nil }.count >= 10)
        #expect(Self.pairs.contains { $0.degradation.contains("delay") && $0.stoi == nil })
    }

    @Test("a pure delay costs (almost) nothing: the alignment finds it")
    func delayIsAligned() throws {
        let pair = try #require(Self.pairs.first { $0.rate == 16_000 })
        let (clean, _) = try pair.audio()
        let delayed = [Float](repeating: 0, count: 1_234) + clean
        let aligned = try PESQ.mos(reference: clean, degraded: clean, sampleRate: 16_000, mode: .wideBand)
        let shifted = try PESQ.mos(reference: clean, degraded: delayed, sampleRate: 16_000, mode: .wideBand)
        #expect(aligned > 4.5)
        #expect(abs(aligned - shifted) < 0.05)
    }

    @Test("Bark tables: 42 bands covering 128 bins at 8 kHz, 49 covering 256 at 16 kHz")
    func barkTables() {
        for (bands, count, bins) in [(PESQBarkBands.rate8k, 42, 128), (PESQBarkBands.rate16k, 49, 256)] {
            #expect(bands.count == count)
            #expect(bands.hzBandsPerBark.reduce(0, +) == bins)
            #expect([bands.widthBark.count, bands.powerDensityCorrection.count,
                     bands.absoluteThreshold.count, bands.hzBandsPerBark.count].allSatisfy { $0 == count })
            #expect(zip(bands.centreBark, bands.centreBark.dropFirst()).allSatisfy { $0 < $1 })
        }
    }

    @Test("the P.862.1 and P.862.2 mappings")
    func mappings() {
        #expect(abs(Double(PESQ.mapped(4.5, mode: .narrowBand)) - 4.5493) < 1e-3)
        #expect(abs(Double(PESQ.mapped(4.5, mode: .wideBand)) - 4.6439) < 1e-3)
        #expect(abs(Double(PESQ.mapped(-0.5, mode: .narrowBand)) - 1.0164) < 1e-3)
    }

    @Test("unsupported rates, WB at 8 kHz, short and silent input are refused")
    func refusals() {
        let tone = (0..<16_000).map { Float(sin(Double($0) * 0.1)) }
        #expect(throws: MetricsError.unsupportedRate(44_100, supported: [8_000, 16_000])) {
            try PESQ.mos(reference: tone, degraded: tone, sampleRate: 44_100, mode: .narrowBand)
        }
        #expect(throws: MetricsError.unsupportedRate(8_000, supported: [16_000])) {
            try PESQ.mos(reference: tone, degraded: tone, sampleRate: 8_000, mode: .wideBand)
        }
        #expect(throws: MetricsError.tooShort(samples: 1_000, needed: 4_000)) {
            try PESQ.mos(reference: Array(tone[0..<1_000]), degraded: tone, sampleRate: 16_000, mode: .wideBand)
        }
        let silence = [Float](repeating: 0, count: 16_000)
        #expect(throws: MetricsError.silentReference) {
            try PESQ.mos(reference: silence, degraded: silence, sampleRate: 16_000, mode: .wideBand)
        }
    }
}
