import Hush

/// Time and MACs per layer of one frame, running Hush's kernels in the network's own order over
/// weights of the model's shapes (9 separate blocks, so caches see what the real network sees).
/// Each call is timed on its own; the clock's cost is measured and subtracted.
enum LayerProfile {
    /// One layer's share of a frame.
    struct Row: Codable {
        var layer: String
        var macsPerFrame: Int
        var microsecondsPerFrame: Double
        var gmacPerSecond: Double?
    }

    /// Per layer, the row of the fastest run.
    static func fastest(_ runs: [[Row]]) -> [Row] {
        runs[0].indices.map { i in runs.map { $0[i] }.min { $0.microsecondsPerFrame < $1.microsecondsPerFrame }! }
    }

    static let layers = ["features (log power)", "front-end", "gates", "pw1 (gathered rows)",
                         "depthwise", "pw2 (gathered columns)", "back-end", "mask (sigmoid, apply)"]

    /// Profiles `frames` frames with `active` channels per block (a fresh spread-out set per frame).
    static func run(configuration c: ModelConfiguration, active: Int, frames: Int) -> [Row] {
        let (R, C, G, K, F, B) = (c.residualChannels, c.convChannels, c.gateRank, c.kernelSize, c.bins, c.blocks)
        func buffer(_ n: Int, _ seed: UInt32) -> UnsafeMutablePointer<Float> { randomFloats(n, seed: seed) }
        let frontW = buffer(R * F, 1), frontB = buffer(R, 2), backW = buffer(F * R, 3), backB = buffer(F, 4)
        let blocks = (0..<B).map { i -> [UnsafeMutablePointer<Float>] in
            let s = UInt32(10 + 20 * i)
            return [buffer(G * R, s), buffer(G, s + 1), buffer(G * C, s + 2), buffer(C, s + 3),
                    buffer(C * R, s + 4), buffer(C, s + 5), buffer(C * K, s + 6), buffer(C, s + 7),
                    buffer(C * R, s + 8), buffer(K * C, s + 9)]
        }
        let spectrum = buffer(2 * F, 5), work = buffer(2 * F, 6), features = buffer(F, 7)
        let residual = buffer(R, 8), hidden = buffer(G, 9), scores = buffer(C, 10), u = buffer(C, 11)
        let v = buffer(C, 12), mask = buffer(F, 13)
        let allHidden = UnsafeMutablePointer<Int32>.allocate(capacity: G)
        for g in 0..<G { allHidden[g] = Int32(g) }
        let taps = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: K)
        // 64 different active sets, each `active` channels spread over C and sorted, as selected.
        let sets = 64
        let lists = UnsafeMutablePointer<Int32>.allocate(capacity: sets * active)
        var state: UInt32 = 99
        for s in 0..<sets {
            var chosen = Set<Int32>()
            while chosen.count < active {
                state = state &* 1_664_525 &+ 1_013_904_223
                chosen.insert(Int32(state >> 8) % Int32(C))
            }
            for (j, ch) in chosen.sorted().enumerated() { lists[s * active + j] = ch }
        }

        let overhead: Double = {
            var best = UInt64.max
            for _ in 0..<1000 { let a = nanoseconds(); best = min(best, nanoseconds() - a) }
            return Double(best)
        }()
        var spent = [Double](repeating: 0, count: layers.count)
        @inline(__always) func timed(_ layer: Int, _ body: () -> Void) {
            let start = nanoseconds()
            body()
            spent[layer] += max(0, Double(nanoseconds() - start) - overhead)
        }
        for frame in 0..<frames {
            work.update(from: spectrum, count: 2 * F)
            timed(0) { FastKernels.logPower(work, bins: F, floor: c.featureFloor, into: features) }
            timed(1) { FastKernels.matVec(frontW, rows: R, cols: F, features, bias: frontB, into: residual) }
            let list = lists + (frame % sets) * active
            for b in 0..<B {
                let w = blocks[b]
                timed(2) {
                    FastKernels.matVec(w[0], rows: G, cols: R, residual, bias: w[1], into: hidden)
                    scores.update(from: w[3], count: C)
                    FastKernels.scatterAccumulate(w[2], cols: C, indices: allHidden, count: G, hidden, into: scores)
                }
                timed(3) { FastKernels.gatherRows(w[4], cols: R, indices: list, count: active, residual, bias: w[5], into: u) }
                for t in 0..<K { taps[t] = w[9] + t * C }
                timed(4) { FastKernels.depthwise(taps: w[6], kernelSize: K, history: taps, indices: list, count: active, bias: w[7], into: v) }
                timed(5) { FastKernels.scatterAccumulate(w[8], cols: R, indices: list, count: active, v, into: residual) }
            }
            timed(6) { FastKernels.matVec(backW, rows: F, cols: R, residual, bias: backB, into: mask) }
            timed(7) { FastKernels.sigmoidMask(mask, bins: F, gainFloor: 0.1, applyingTo: work) }
            // Keep the residual bounded so values stay normal floats across frames.
            for r in 0..<R { residual[r] = residual[r] * 1e-3 }
        }
        let macs = [0, R * F, B * (G * R + G * C), B * active * R, B * active * K, B * active * R, F * R, 0]
        return layers.indices.map { i in
            let seconds = spent[i] * 1e-9 / Double(frames)
            return Row(layer: layers[i], macsPerFrame: macs[i], microsecondsPerFrame: seconds * 1e6,
                       gmacPerSecond: macs[i] > 0 ? Double(macs[i]) / seconds / 1e9 : nil)
        }
    }
}
