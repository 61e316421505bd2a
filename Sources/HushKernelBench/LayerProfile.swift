import Hush

/// Time and MACs per layer of one frame, measured inside the network's own frame code
/// (`GatedNetwork.process(spectrum:bins:timer:)`): the fused per-channel kernel, the gates and the
/// channel selection exactly as the engine runs them, on the bundled model's real weights and the
/// noisy fixture's spectra. The clock's cost per reading is measured and subtracted; the whole
/// frame is also timed without the per-layer clock, so the table shows what the split costs.
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

    static let names: [LayerTimer.Layer: String] = [
        .features: "features (log power)", .frontEnd: "front-end", .gates: "gates",
        .selection: "channel selection", .gatedChannels: "gated channels (pw1, dw, pw2 fused)",
        .blockBookkeeping: "block bookkeeping (history, residual add)", .backEnd: "back-end",
        .mask: "mask (sigmoid, apply)",
    ]

    /// The name of the last row: the whole frame, timed without the per-layer clock.
    static let wholeFrame = "whole frame, timed alone"

    /// The network's stage for the profile: each frame through `process(…timer:)`, or timed whole.
    final class Probe: SpectralStage {
        let network: GatedNetwork
        let timer: LayerTimer?
        var wholeNanoseconds: UInt64 = 0
        var frames = 0
        var activeChannels = 0
        init(network: GatedNetwork, timer: LayerTimer?) {
            self.network = network
            self.timer = timer
        }
        func process(spectrum: UnsafeMutablePointer<Float>, bins: Int) {
            if let timer {
                network.process(spectrum: spectrum, bins: bins, timer: timer)
            } else {
                let start = nanoseconds()
                network.process(spectrum: spectrum, bins: bins)
                wholeNanoseconds += nanoseconds() - start
            }
            frames += 1
            for b in 0..<network.model.configuration.blocks { activeChannels += network.lastActiveChannels(block: b).count }
        }
        func reset() { network.reset() }
        var requiredConfiguration: STFTConfiguration? { network.requiredConfiguration }
    }

    /// Profiles `frames` frames of `signal` (model rate, cycled) through `model` at `budget` with
    /// `gating` (`.denseUngated`: every channel of every block).
    static func run(model: Model, budget: Float, gating: Gating, signal: [Float], frames: Int) throws -> [Row] {
        let c = model.configuration
        let hop = c.stft.hop
        let input = (0..<(frames * hop)).map { signal[$0 % signal.count] }
        let overhead: Double = {
            var best = UInt64.max
            for _ in 0..<1000 { let a = nanoseconds(); best = min(best, nanoseconds() - a) }
            return Double(best)
        }()
        let layers = LayerTimer.Layer.allCases
        let totals = UnsafeMutablePointer<UInt64>.allocate(capacity: layers.count)
        defer { totals.deallocate() }
        totals.initialize(repeating: 0, count: layers.count)
        let timer = LayerTimer(clock: { nanoseconds() }, nanoseconds: totals)

        let timed = Probe(network: try GatedNetwork(model: model, budget: budget, gating: gating), timer: timer)
        _ = try Denoiser(configuration: c.stft, stage: timed).denoise(input)
        let alone = Probe(network: try GatedNetwork(model: model, budget: budget, gating: gating), timer: nil)
        _ = try Denoiser(configuration: c.stft, stage: alone).denoise(input)

        // Each lap includes one clock reading: laps per frame, to subtract their cost.
        let laps: [LayerTimer.Layer: Int] = [
            .features: 1, .frontEnd: 1, .gates: gating == .dynamic ? c.blocks : 0,
            .selection: gating == .dynamic ? c.blocks : 0, .gatedChannels: c.blocks,
            .blockBookkeeping: 2 * c.blocks, .backEnd: 1, .mask: 1,
        ]
        let n = Double(timed.frames)
        let activePerFrame = Double(timed.activeChannels) / n
        let macs: [LayerTimer.Layer: Int] = [
            .frontEnd: c.residualChannels * c.bins,
            .gates: gating == .dynamic ? c.blocks * c.gateMACsPerBlock : 0,
            .gatedChannels: Int(activePerFrame * Double(c.macsPerActiveChannel)),
            .backEnd: c.bins * c.residualChannels,
        ]
        var rows = layers.map { layer -> Row in
            let seconds = max(0, Double(totals[layer.rawValue]) / n - Double(laps[layer] ?? 0) * overhead) * 1e-9
            let m = macs[layer] ?? 0
            return Row(layer: names[layer]!, macsPerFrame: m, microsecondsPerFrame: seconds * 1e6,
                       gmacPerSecond: m > 0 && seconds > 0 ? Double(m) / seconds / 1e9 : nil)
        }
        let whole = (Double(alone.wholeNanoseconds) / Double(max(alone.frames, 1)) - overhead) * 1e-9
        let total = rows.reduce(0) { $0 + $1.macsPerFrame }
        rows.append(Row(layer: wholeFrame, macsPerFrame: total, microsecondsPerFrame: whole * 1e6,
                        gmacPerSecond: Double(total) / whole / 1e9))
        return rows
    }
}
