import Foundation
import Hush
import Testing

/// Fast kernels against the reference kernels on random shapes.
@Suite("Fast kernels match reference kernels")
struct KernelTests {
    static func random(_ n: Int, _ rng: inout SplitMix) -> [Float] { (0..<n).map { _ in rng.float() } }

    static func close(_ a: [Float], _ b: [Float], scale: Float) -> Bool {
        zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, scale) }
    }

    static let shapes: [(Int, Int)] = [(1, 1), (3, 5), (4, 8), (7, 17), (80, 257), (257, 80), (256, 8), (33, 80), (5, 129)]

    @Test("matVec", arguments: shapes)
    func matVec(rows: Int, cols: Int) {
        var rng = SplitMix(seed: UInt64(rows * 1000 + cols))
        let w = Self.random(rows * cols, &rng), x = Self.random(cols, &rng), b = Self.random(rows, &rng)
        var fast = [Float](repeating: 0, count: rows), reference = fast
        var macs = 0
        FastKernels.matVec(w, rows: rows, cols: cols, x, bias: b, into: &fast)
        ReferenceKernels.matVec(w, rows: rows, cols: cols, x, bias: b, into: &reference, macs: &macs)
        #expect(macs == rows * cols)
        #expect(Self.close(fast, reference, scale: Float(cols).squareRoot()))
    }

    @Test("gatherRows and scatterAccumulate over random active sets", arguments: shapes)
    func gathered(channels: Int, cols: Int) {
        var rng = SplitMix(seed: UInt64(channels * 7 + cols))
        let w = Self.random(channels * cols, &rng), x = Self.random(cols, &rng)
        let b = Self.random(channels, &rng), v = Self.random(channels, &rng)
        let indices = (0..<channels).filter { _ in rng.next() % 3 != 0 }.map { Int32($0) }
        var fast = [Float](repeating: 0, count: channels), reference = fast
        var macs = 0
        FastKernels.gatherRows(w, cols: cols, indices: indices, count: indices.count, x, bias: b, into: &fast)
        ReferenceKernels.gatherRows(w, cols: cols, indices: indices, count: indices.count, x, bias: b,
                                    into: &reference, macs: &macs)
        #expect(macs == indices.count * cols)
        #expect(Self.close(fast, reference, scale: Float(cols).squareRoot()))

        let start = Self.random(cols, &rng)
        var fastOut = start, referenceOut = start
        macs = 0
        FastKernels.scatterAccumulate(w, cols: cols, indices: indices, count: indices.count, v, into: &fastOut)
        ReferenceKernels.scatterAccumulate(w, cols: cols, indices: indices, count: indices.count, v,
                                           into: &referenceOut, macs: &macs)
        #expect(macs == indices.count * cols)
        #expect(Self.close(fastOut, referenceOut, scale: Float(channels).squareRoot()))
    }

    @Test("depthwise", arguments: [1, 2, 3, 5])
    func depthwise(kernelSize: Int) {
        var rng = SplitMix(seed: UInt64(kernelSize))
        let channels = 37
        let taps = Self.random(channels * kernelSize, &rng), b = Self.random(channels, &rng)
        var frames = (0..<kernelSize).map { _ in Self.random(channels, &rng) }
        let indices = (0..<channels).filter { $0 % 4 != 1 }.map { Int32($0) }
        var fast = [Float](repeating: 0, count: channels), reference = fast
        var macs = 0
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: kernelSize)
        defer { pointers.deallocate() }
        let buffers = frames.indices.map { i in frames[i].withUnsafeMutableBufferPointer { p in
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: channels)
            copy.initialize(from: p.baseAddress!, count: channels)
            return copy
        } }
        defer { buffers.forEach { $0.deallocate() } }
        for (i, p) in buffers.enumerated() { pointers[i] = p }
        frames.removeAll()
        FastKernels.depthwise(taps: taps, kernelSize: kernelSize, history: pointers, indices: indices,
                              count: indices.count, bias: b, into: &fast)
        ReferenceKernels.depthwise(taps: taps, kernelSize: kernelSize, history: pointers, indices: indices,
                                   count: indices.count, bias: b, into: &reference, macs: &macs)
        #expect(macs == indices.count * kernelSize)
        #expect(Self.close(fast, reference, scale: 1))
    }
}

@Suite("Vectorised log and sigmoid match libm")
struct FastMathTests {
    @Test("logPower over spectra spanning silence to full scale", arguments: [1, 7, 8, 257, 513])
    func logPower(bins: Int) {
        var rng = SplitMix(seed: UInt64(bins))
        let spectrum = (0..<(2 * bins)).map { i in rng.float() * Float(pow(10.0, Double(i % 12) - 6)) }
        var fast = [Float](repeating: 0, count: bins), reference = fast
        FastKernels.logPower(spectrum, bins: bins, floor: 1e-8, into: &fast)
        ReferenceKernels.logPower(spectrum, bins: bins, floor: 1e-8, into: &reference)
        for (a, b) in zip(fast, reference) { #expect(abs(a - b) <= 2e-6 * max(1, abs(b)), "\(a) vs \(b)") }
    }

    @Test("sigmoid mask, including saturated logits, with and without a gain floor",
          arguments: [1, 9, 257], [Float(0), 0.1])
    func sigmoid(bins: Int, floor: Float) {
        var rng = SplitMix(seed: UInt64(bins) + 99)
        let logits = (0..<bins).map { i in i % 5 == 0 ? rng.float() * 200 : rng.float() * 12 }
        let spectrum = (0..<(2 * bins)).map { _ in rng.float() }
        var fastMask = logits, referenceMask = logits
        var fastSpectrum = spectrum, referenceSpectrum = spectrum
        FastKernels.sigmoidMask(&fastMask, bins: bins, gainFloor: floor, applyingTo: &fastSpectrum)
        ReferenceKernels.sigmoidMask(&referenceMask, bins: bins, gainFloor: floor, applyingTo: &referenceSpectrum)
        for (a, b) in zip(fastMask, referenceMask) { #expect(abs(a - b) <= 1e-6, "\(a) vs \(b)") }
        for (a, b) in zip(fastSpectrum, referenceSpectrum) { #expect(abs(a - b) <= 1e-6) }
        // The mask stays the network's; the spectrum gets floor + (1 − floor)·mask, never less than floor.
        for f in 0..<bins {
            let m = 1 / (1 + exp(-Double(logits[f])))
            #expect(abs(Double(referenceMask[f]) - m) <= 1e-6)
            let gain = Double(floor) + Double(1 - floor) * m
            for part in 0..<2 {
                #expect(abs(Double(referenceSpectrum[2 * f + part]) - gain * Double(spectrum[2 * f + part])) <= 1e-6)
                #expect(abs(referenceSpectrum[2 * f + part]) >= floor * abs(spectrum[2 * f + part]) * (1 - 1e-6))
            }
        }
    }
}
