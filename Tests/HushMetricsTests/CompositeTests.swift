import Foundation
import Testing
@testable import HushMetrics

@Suite("Composite measures (CSIG/CBAK/COVL) and their parts against pysepm-evo")
struct CompositeTests {
    static let pairs = ValidationSet.pairs.filter { $0.composite?.csig != nil }

    @Test("the CI subset has composite oracle rows at both rates")
    func subsetIsThere() {
        #expect(Self.pairs.count >= 8)
        #expect(Set(Self.pairs.map(\.rate)) == [8_000, 16_000])
    }

    @Test("LLR, WSS and fwSegSNR as pysepm, CSIG/CBAK/COVL within 0.01", arguments: pairs)
    func agreesWithPysepm(_ pair: ValidationPair) throws {
        let oracle = try #require(pair.composite)
        let (clean, degraded) = try pair.audio()
        let llr = try LLR.mean(clean: clean, enhanced: degraded, sampleRate: pair.rate)
        #expect(abs(llr - oracle.llr!) <= 0.001, "LLR \(llr) vs \(oracle.llr!)")
        let fw = try FrequencyWeightedSegmentalSNR.decibels(clean: clean, enhanced: degraded, sampleRate: pair.rate)
        #expect(abs(fw - oracle.fwSegSNR!) <= 0.01, "fwSegSNR \(fw) vs \(oracle.fwSegSNR!)")
        // The PESQ term is PESQTests' business (and `pesqTerm` below): the reference's is used here.
        let c = try CompositeMeasures.compute(clean: clean, enhanced: degraded, sampleRate: pair.rate,
                                              pesq: oracle.compositePESQ!)
        #expect(abs(c.llr - oracle.llrComposite!) <= 0.001, "LLR (composite) \(c.llr) vs \(oracle.llrComposite!)")
        #expect(abs(c.wss - oracle.wss!) <= 0.01, "WSS \(c.wss) vs \(oracle.wss!)")
        #expect(abs(c.csig - oracle.csig!) <= 0.01, "CSIG \(c.csig) vs \(oracle.csig!)")
        #expect(abs(c.cbak - oracle.cbak!) <= 0.01, "CBAK \(c.cbak) vs \(oracle.cbak!)")
        #expect(abs(c.covl - oracle.covl!) <= 0.01, "COVL \(c.covl) vs \(oracle.covl!)")
    }

    @Test("the PESQ term: WB MOS-LQO at 16 kHz, the raw NB score at 8 kHz, as the reference",
          arguments: [8_000, 16_000])
    func pesqTerm(_ rate: Int) throws {
        let pair = try #require(Self.pairs.last { $0.rate == rate })
        let oracle = try #require(pair.composite)
        let (clean, degraded) = try pair.audio()
        let c = try CompositeMeasures.compute(clean: clean, enhanced: degraded, sampleRate: rate)
        #expect(abs(c.pesq - oracle.compositePESQ!) <= 0.001, "PESQ term \(c.pesq) vs \(oracle.compositePESQ!)")
        #expect(abs(c.csig - oracle.csig!) <= 0.01 && abs(c.cbak - oracle.cbak!) <= 0.01 && abs(c.covl - oracle.covl!) <= 0.01)
    }

    @Test("identical signals: LLR 0, WSS 0, fwSegSNR at its 35 dB ceiling")
    func identical() throws {
        let pair = try #require(Self.pairs.first { $0.rate == 16_000 })
        let (clean, _) = try pair.audio()
        #expect(abs(try LLR.mean(clean: clean, enhanced: clean, sampleRate: 16_000)) < 1e-9)
        #expect(try WSS.distance(clean: clean, enhanced: clean, sampleRate: 16_000) == 0)
        #expect(try FrequencyWeightedSegmentalSNR.decibels(clean: clean, enhanced: clean, sampleRate: 16_000) == 35)
    }

    @Test("Hu & Loizou's coefficients, clipped to [1, 5]")
    func coefficients() {
        let c = CompositeMeasures.combine(pesq: 2, llr: 1, wss: 30, segmentalSNR: 5)
        #expect(abs(c.csig - (3.093 - 1.029 + 1.206 - 0.27)) < 1e-12)
        #expect(abs(c.cbak - (1.634 + 0.956 - 0.21 + 0.315)) < 1e-12)
        #expect(abs(c.covl - (1.594 + 1.61 - 0.512 - 0.21)) < 1e-12)
        let best = CompositeMeasures.combine(pesq: 4.5, llr: 0, wss: 0, segmentalSNR: 35)
        #expect(best.csig == 5 && best.cbak == 5 && best.covl == 5)
        let worst = CompositeMeasures.combine(pesq: 1, llr: 2, wss: 150, segmentalSNR: -10)
        #expect(worst.csig == 1 && worst.cbak == 1 && worst.covl == 1)
    }

    @Test("Levinson–Durbin recovers an AR(1) predictor; the quadratic form is aᵀTa")
    func levinson() {
        // r_k = 0.5^k is the autocorrelation of an AR(1) process with coefficient 0.5.
        let a = LLR.predictor([1, 0.5, 0.25, 0.125])
        #expect(a.count == 4)
        for (v, expected) in zip(a, [1, -0.5, 0, 0]) { #expect(abs(v - expected) < 1e-12) }
        // [1, −0.5]ᵀ [[1, 0.5], [0.5, 1]] [1, −0.5] = [1, −0.5]ᵀ [0.75, 0] = 0.75
        #expect(abs(LLR.quadraticForm([1, -0.5], [1, 0.5]) - 0.75) < 1e-12)
    }

    @Test("the double-precision FFT matches a direct DFT")
    func fft() {
        let n = 64
        let x = (0..<n).map { sin(Double($0) * 0.37) + 0.25 * Double($0 % 5) }
        var re = x, im = [Double](repeating: 0, count: n)
        ComplexFFT(size: n).forward(real: &re, imaginary: &im)
        for k in 0..<n {
            var dr = 0.0, di = 0.0
            for t in 0..<n {
                dr += x[t] * cos(2 * Double.pi * Double(k * t) / Double(n))
                di -= x[t] * sin(2 * Double.pi * Double(k * t) / Double(n))
            }
            #expect(abs(re[k] - dr) < 1e-9 && abs(im[k] - di) < 1e-9)
        }
    }

    @Test("framing, critical bands and the 95 % mean follow the reference's arithmetic")
    func framing() {
        let narrow = CompositeFraming(sampleRate: 8_000), wide = CompositeFraming(sampleRate: 16_000)
        #expect((narrow.frameLength, narrow.hop, wide.frameLength, wide.hop) == (240, 60, 480, 120))
        let bands = CriticalBands(frameLength: 480, sampleRate: 16_000)
        #expect(bands.fftSize == 1024 && bands.filters.count == 25)
        // Band 0 peaks with weight 1 at bin ⌊50/8000·512⌋ = 3; every filter stays below 4 kHz.
        #expect(bands.filters[0].weights[3 - bands.filters[0].first] == 1)
        #expect(bands.filters.allSatisfy { $0.first + $0.weights.count <= 300 })
        // Python's round: 10·0.95 = 9.5 keeps 10 (half to even), 30·0.95 = 28.4999… keeps 28.
        #expect(CompositeFraming.lowMean((1...10).map(Double.init)) == 5.5)
        #expect(CompositeFraming.lowMean((1...30).map(Double.init)) == 14.5)
    }

    @Test("different lengths and too-short signals are refused")
    func refusals() {
        #expect(throws: MetricsError.lengthMismatch(clean: 3, enhanced: 2)) {
            try LLR.mean(clean: [1, 2, 3], enhanced: [1, 2], sampleRate: 16_000)
        }
        #expect(throws: MetricsError.lengthMismatch(clean: 3, enhanced: 2)) {
            try WSS.distance(clean: [1, 2, 3], enhanced: [1, 2], sampleRate: 16_000)
        }
        // One frame needs 30 ms + one hop: 600 samples at 16 kHz.
        let short = [Float](repeating: 0.1, count: 599), enough = short + [0.1]
        #expect(throws: MetricsError.tooShort(samples: 599, needed: 600)) {
            try FrequencyWeightedSegmentalSNR.decibels(clean: short, enhanced: short, sampleRate: 16_000)
        }
        #expect(throws: MetricsError.tooShort(samples: 599, needed: 600)) {
            try LLR.mean(clean: short, enhanced: short, sampleRate: 16_000)
        }
        #expect(throws: Never.self) {
            _ = try LLR.mean(clean: enough, enhanced: enough, sampleRate: 16_000)
            _ = try WSS.distance(clean: enough, enhanced: enough, sampleRate: 16_000)
        }
        #expect(throws: MetricsError.self) {
            try CompositeMeasures.compute(clean: short, enhanced: short, sampleRate: 44_100)
        }
    }
}
