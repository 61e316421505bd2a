import Hush

/// Hush's hot kernels against OpenBLAS on the same shapes, single thread, interleaved per round.
enum ShapeComparison {
    /// One matrix–vector shape as the network uses it.
    struct Shape {
        var name: String
        /// Output rows (active channels for the gathered kernels).
        var rows: Int
        /// Inner length.
        var cols: Int
        /// Which Hush kernel runs it.
        var kernel: Kernel
    }

    enum Kernel { case matVec, gatherRows, scatterAccumulate }

    /// Achieved speed of each implementation on one shape.
    struct Row: Codable {
        var shape: String
        var kernel: String
        var macs: Int
        var hushGmacPerSecond: Double
        var openblasSgemvGmacPerSecond: Double?
        var openblasSgemmN1GmacPerSecond: Double?
        var openblasSgemmBatch16GmacPerSecond: Double?
    }

    static func shapes(r: Int, c: Int, f: Int, g: Int, cap: Int) -> [Shape] {
        [
            Shape(name: "front-end \(r)×\(f)", rows: r, cols: f, kernel: .matVec),
            Shape(name: "gate w1 \(g)×\(r)", rows: g, cols: r, kernel: .matVec),
            Shape(name: "pw1 \(c)×\(r) (all channels)", rows: c, cols: r, kernel: .gatherRows),
            Shape(name: "pw1 \(cap)×\(r) (gathered rows)", rows: cap, cols: r, kernel: .gatherRows),
            Shape(name: "pw2 \(r)×\(c) (all channels)", rows: c, cols: r, kernel: .scatterAccumulate),
            Shape(name: "pw2 \(r)×\(cap) (gathered columns)", rows: cap, cols: r, kernel: .scatterAccumulate),
            Shape(name: "back-end \(f)×\(r)", rows: f, cols: r, kernel: .matVec),
        ]
    }

    /// Times every shape: Hush's kernel, OpenBLAS sgemv, sgemm with one column, and sgemm on 16
    /// columns at once (a batch a streaming denoiser never has: the ceiling, not a fair rival).
    static func run(_ shapes: [Shape], blas: OpenBLAS?, rounds: Int) -> [Row] {
        shapes.map { s in
            // Hush's layouts: W [rows×cols] for matVec/gatherRows, Wᵀ [C×R] for scatter.
            let total = max(s.rows, 256) * s.cols
            let w = randomFloats(total, seed: 1), x = randomFloats(max(s.rows, s.cols, 257) * 16, seed: 2)
            let bias = randomFloats(max(s.rows, 256), seed: 3), y = randomFloats(max(s.rows, 256) * 16, seed: 4)
            let indices = UnsafeMutablePointer<Int32>.allocate(capacity: s.rows)
            // Gathered kernels pick rows spread over the full 256, as a gate would.
            let stride = s.kernel == .matVec ? 1 : max(1, 256 / s.rows)
            for j in 0..<s.rows { indices[j] = Int32(j * stride) }
            defer { [w, x, bias, y].forEach { $0.deallocate() }; indices.deallocate() }
            let macs = s.rows * s.cols
            let reps = max(20, 4_000_000 / macs)
            var hush = Double.infinity, gemv = Double.infinity, gemm1 = Double.infinity, gemm16 = Double.infinity
            for _ in 0..<rounds {
                hush = min(hush, fastestPerCall(rounds: 1, reps: reps) {
                    switch s.kernel {
                    case .matVec: FastKernels.matVec(w, rows: s.rows, cols: s.cols, x, bias: bias, into: y)
                    case .gatherRows:
                        FastKernels.gatherRows(w, cols: s.cols, indices: indices, count: s.rows, x, bias: bias, into: y)
                    case .scatterAccumulate:
                        FastKernels.scatterAccumulate(w, cols: s.cols, indices: indices, count: s.rows, x, into: y)
                    }
                })
                guard let blas else { continue }
                // OpenBLAS gets the active weights already contiguous: the best case for it.
                let (m, k) = s.kernel == .scatterAccumulate ? (s.cols, s.rows) : (s.rows, s.cols)
                gemv = min(gemv, fastestPerCall(rounds: 1, reps: reps) { blas.sgemv(m: m, k: k, w, x, y) })
                gemm1 = min(gemm1, fastestPerCall(rounds: 1, reps: reps) { blas.sgemm(m: m, n: 1, k: k, w, x, y) })
                gemm16 = min(gemm16, fastestPerCall(rounds: 1, reps: max(2, reps / 16)) {
                    blas.sgemm(m: m, n: 16, k: k, w, x, y)
                } / 16)
            }
            func rate(_ t: Double) -> Double? { t.isFinite ? Double(macs) / t / 1e9 : nil }
            let kernelName = switch s.kernel {
            case .matVec: "matVec"
            case .gatherRows: "gatherRows"
            case .scatterAccumulate: "scatterAccumulate"
            }
            return Row(shape: s.name, kernel: kernelName, macs: macs, hushGmacPerSecond: rate(hush)!,
                       openblasSgemvGmacPerSecond: rate(gemv), openblasSgemmN1GmacPerSecond: rate(gemm1),
                       openblasSgemmBatch16GmacPerSecond: rate(gemm16))
        }
    }
}
