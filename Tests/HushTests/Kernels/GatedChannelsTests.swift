@testable import Hush
import Testing

/// The fused channel kernel of a gated block against its reference composition.
@Suite("Gated block channel kernel: fast matches reference")
struct GatedChannelsTests {
    /// Random weights for one block of R residual and C conv channels with K taps, its matrices
    /// (pw1, taps, pw2) in `format`: floats in [−1, 1), or int8 in [−127, 127] with pw1 scales.
    final class Block {
        let storage: UnsafeMutablePointer<Float>
        let bytes: UnsafeMutablePointer<Int8>
        let weights: Model.BlockWeights
        init(R: Int, C: Int, K: Int, format: WeightFormat, rng: inout SplitMix) {
            let sizes = [C * R, C, C, C * K, C, C, C * R, R, C]
            let total = sizes.reduce(0, +)
            let storage = UnsafeMutablePointer<Float>.allocate(capacity: total)
            for i in 0..<total { storage[i] = rng.float() }
            var offsets: [UnsafeMutablePointer<Float>] = []
            var cursor = storage
            for n in sizes { offsets.append(cursor); cursor += n }
            let byteCount = 2 * C * R + C * K
            let bytes = UnsafeMutablePointer<Int8>.allocate(capacity: byteCount)
            for i in 0..<byteCount { bytes[i] = Int8(Int(rng.next() % 255) - 127) }
            (self.storage, self.bytes) = (storage, bytes)
            let pw1Scales = offsets[8]
            for c in 0..<C { pw1Scales[c] = 0.001 + 0.02 * abs(pw1Scales[c]) }
            func matrix(_ index: Int, _ byteOffset: Int, scales: UnsafeMutablePointer<Float>?) -> ModelImage.Matrix {
                format == .float32
                    ? ModelImage.Matrix(elements: UnsafeMutableRawPointer(offsets[index]), scales: nil)
                    : ModelImage.Matrix(elements: UnsafeMutableRawPointer(bytes + byteOffset), scales: scales)
            }
            // The gate tensors are not read by the channel kernel.
            let unread = ModelImage.Matrix(elements: UnsafeMutableRawPointer(storage), scales: nil)
            weights = Model.BlockWeights(
                gateW1: unread, gateW2Transposed: unread,
                pw1Weight: matrix(0, 0, scales: pw1Scales), dwWeight: matrix(3, C * R, scales: nil),
                pw2Transposed: matrix(6, C * R + C * K, scales: nil),
                gateB1: storage, gateB2: storage, pw1Bias: offsets[1], prelu1Slope: offsets[2],
                dwBias: offsets[4], prelu2Slope: offsets[5], pw2Bias: offsets[7], dilation: 1)
        }
        deinit {
            storage.deallocate()
            bytes.deallocate()
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var R: Int, C: Int, K: Int, pattern: String, format: WeightFormat = .float32
        var testDescription: String { "R=\(R) C=\(C) K=\(K) \(pattern) \(format)" }
    }

    static let floatCases: [Case] = [
        Case(R: 80, C: 256, K: 3, pattern: "scattered"), Case(R: 80, C: 256, K: 3, pattern: "all"),
        Case(R: 80, C: 256, K: 3, pattern: "contiguous run"), Case(R: 80, C: 256, K: 3, pattern: "none"),
        Case(R: 7, C: 13, K: 1, pattern: "scattered"), Case(R: 9, C: 30, K: 2, pattern: "scattered"),
        Case(R: 17, C: 64, K: 5, pattern: "all"), Case(R: 8, C: 5, K: 3, pattern: "single"),
    ]
    static let cases = floatCases + floatCases.map { var c = $0; c.format = .int8; return c }

    /// max |a − b| over max(1, max |b|).
    static func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max(by: <).map { $0 / max(1, b.map(abs).max() ?? 0) } ?? 0
    }

    @Test("u into the history, block output and MAC count", arguments: cases)
    func matches(_ c: Case) {
        var rng = SplitMix(seed: UInt64(c.R * 131 + c.C * 7 + c.K))
        let block = Block(R: c.R, C: c.C, K: c.K, format: c.format, rng: &rng)
        let all = (0..<c.C).map { Int32($0) }
        let indices: [Int32] = switch c.pattern {
        case "all": all
        case "none": []
        case "single": [Int32(c.C / 2)]
        case "contiguous run": Array(all[(c.C / 3)..<(c.C / 3 + c.C / 4)])
        default: all.filter { _ in rng.next() % 3 == 0 }
        }
        let x = (0..<c.R).map { _ in rng.float() }
        // History frames 0..K-2 hold earlier u values; frame K-1 is the current one, to be written.
        func history() -> [[Float]] { (0..<c.K).map { t in (0..<c.C).map { ch in t == c.K - 1 ? 0 : Float(ch % 7) * 0.1 - 0.3 } } }
        func run(fast: Bool) -> (current: [Float], output: [Float], macs: Int) {
            var frames = history()
            var output = [Float](repeating: 0.5, count: c.R)
            var macs = 0
            let pointers = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: c.K)
            let buffers = (0..<c.K).map { t in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: c.C)
                p.initialize(from: frames[t], count: c.C)
                return p
            }
            for t in 0..<c.K { pointers[t] = buffers[t] }
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * max(c.C, 1))
            func kernel<W: KernelWeight>(_ type: W.Type) {
                if fast {
                    FastKernels.gatedChannels(block.weights, type, residualChannels: c.R, kernelSize: c.K,
                                              history: pointers, indices: indices, count: indices.count,
                                              x, into: &output)
                } else {
                    ReferenceKernels.gatedChannels(block.weights, type, residualChannels: c.R, kernelSize: c.K,
                                                   history: pointers, indices: indices, count: indices.count,
                                                   x, scratchU: scratch, scratchV: scratch + c.C,
                                                   into: &output, macs: &macs)
                }
            }
            switch c.format {
            case .float32: kernel(Float.self)
            case .int8: kernel(Int8.self)
            }
            frames[c.K - 1] = Array(UnsafeBufferPointer(start: buffers[c.K - 1], count: c.C))
            buffers.forEach { $0.deallocate() }
            pointers.deallocate()
            scratch.deallocate()
            return (frames[c.K - 1], output, macs)
        }
        let fast = run(fast: true), reference = run(fast: false)
        #expect(reference.macs == indices.count * (2 * c.R + c.K))
        #expect(Self.relativeError(fast.current, reference.current) <= 1e-5)
        #expect(Self.relativeError(fast.output, reference.output) <= 1e-5)
        // Inactive channels' u stays exactly zero (as in training).
        let active = Set(indices)
        #expect((0..<c.C).allSatisfy { active.contains(Int32($0)) || fast.current[$0] == 0 })
    }
}
