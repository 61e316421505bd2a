import ArgumentParser
import Foundation
import Hush
import HushAudio

/// `hush-kernel-bench`: per-layer time and MACs of one frame, and Hush's hot kernels against
/// OpenBLAS (`sgemv`, `sgemm`) on the same shapes, single thread, in one run.
@main
struct KernelBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hush-kernel-bench",
        abstract: "Per-layer cost and kernel GMAC/s of the Hush engine vs OpenBLAS on the same shapes.")

    @Option(help: "Frames per per-layer profile.")
    var frames: Int = 3000

    @Option(help: "Interleaved rounds per kernel shape (the fastest is kept).")
    var rounds: Int = 15

    @Option(help: "Budget of the pruned per-layer profile (the other is b = 1).")
    var budget: Float = 0.25

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: ArgumentHelp("Instead: push this many seconds through the streaming engine (no file I/O) and print time and peak RSS as JSON.", valueName: "seconds"))
    var streamSeconds: Double?

    struct Results: Codable {
        var cpu: String
        var l2CachePerCore: String
        var modelWeightBytes: Int
        var openblas: String?
        var budget: Float
        var layersDense: [LayerProfile.Row]
        var layersPruned: [LayerProfile.Row]
        var kernels: [ShapeComparison.Row]
    }

    func run() throws {
        if let streamSeconds {
            let source = try AudioReader.read(path: Self.repositoryRoot + "/audio-fixtures/noisy-speech-16k.wav").downmixedToMono()
            let row = try StreamScaling.run(seconds: streamSeconds, source: source, budget: 1)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(row), as: UTF8.self))
            return
        }
        let model = try Model.bundled()
        let c = model.configuration
        let cap = c.channelCap(budget: budget)
        let blas = OpenBLAS()
        let speech = try AudioReader.read(path: Self.repositoryRoot + "/audio-fixtures/noisy-speech-16k.wav").downmixedToMono()
        func profile(dense: Bool, frames: Int) throws -> [LayerProfile.Row] {
            try LayerProfile.run(model: model, budget: dense ? 1 : budget, gating: dense ? .denseUngated : .dynamic,
                                 signal: speech, frames: frames)
        }
        _ = try profile(dense: true, frames: 200)  // warm-up
        // Three interleaved passes each; per layer the fastest pass is kept.
        var denseRuns: [[LayerProfile.Row]] = [], prunedRuns: [[LayerProfile.Row]] = []
        for _ in 0..<3 {
            denseRuns.append(try profile(dense: true, frames: frames))
            prunedRuns.append(try profile(dense: false, frames: frames))
        }
        let dense = LayerProfile.fastest(denseRuns), pruned = LayerProfile.fastest(prunedRuns)
        let shapes = ShapeComparison.shapes(r: c.residualChannels, c: c.convChannels, f: c.bins,
                                            g: c.gateRank, cap: cap)
        let kernels = ShapeComparison.run(shapes, blas: blas, rounds: rounds)
        let l2 = (try? String(contentsOfFile: "/sys/devices/system/cpu/cpu0/cache/index2/size", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        let results = Results(cpu: Self.cpuName(), l2CachePerCore: l2, modelWeightBytes: model.weightBytes, openblas: blas?.configuration, budget: budget,
                              layersDense: dense, layersPruned: pruned, kernels: kernels)
        print(Self.markdown(results, cap: cap, channels: c.convChannels))
        if let json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
        }
    }

    /// The repository (for the fixture).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func markdown(_ r: Results, cap: Int, channels: Int) -> String {
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "–" }
        var out = "Per-layer cost of one frame, single thread (\(r.cpu)), timed inside the network's own frame "
            + "code (fused per-channel kernel, gates, selection) on the noisy fixture; dense: all \(channels) "
            + "channels per block, no gates; b = \(r.budget): the gates choose, at most \(cap)\n\n"
        out += "| layer | MACs/frame b=1 | µs/frame b=1 | GMAC/s b=1 | MACs/frame b=\(r.budget) | µs/frame b=\(r.budget) | GMAC/s b=\(r.budget) |\n"
        out += "|---|---|---|---|---|---|---|\n"
        let split = { (rows: [LayerProfile.Row]) in (rows.filter { $0.layer != LayerProfile.wholeFrame },
                                                      rows.first { $0.layer == LayerProfile.wholeFrame }) }
        let (dense, denseWhole) = split(r.layersDense), (pruned, prunedWhole) = split(r.layersPruned)
        for (d, p) in zip(dense, pruned) {
            out += "| \(d.layer) | \(d.macsPerFrame) | \(f(d.microsecondsPerFrame, 2)) | \(f(d.gmacPerSecond, 2)) | "
                + "\(p.macsPerFrame) | \(f(p.microsecondsPerFrame, 2)) | \(f(p.gmacPerSecond, 2)) |\n"
        }
        let td = dense.reduce(0) { $0 + $1.microsecondsPerFrame }
        let tp = pruned.reduce(0) { $0 + $1.microsecondsPerFrame }
        let md = dense.reduce(0) { $0 + $1.macsPerFrame }, mp = pruned.reduce(0) { $0 + $1.macsPerFrame }
        out += "| **sum** | \(md) | \(f(td, 2)) | \(f(Double(md) / td / 1e3, 2)) | \(mp) | \(f(tp, 2)) | \(f(Double(mp) / tp / 1e3, 2)) |\n"
        if let d = denseWhole, let p = prunedWhole {
            out += "| \(d.layer) | \(d.macsPerFrame) | \(f(d.microsecondsPerFrame, 2)) | \(f(d.gmacPerSecond, 2)) | "
                + "\(p.macsPerFrame) | \(f(p.microsecondsPerFrame, 2)) | \(f(p.gmacPerSecond, 2)) |\n"
        }
        out += "\n"
        out += "The model's weights are \(r.modelWeightBytes / 1024) KiB against \(r.l2CachePerCore) of L2 per core: "
            + "they do not all fit, so in the network much of them streams from L3 every frame, unlike the hot-cache kernel timings below.\n\n"
        out += "Hot kernels vs OpenBLAS on the same shapes, GMAC/s, single thread, hot cache "
            + "(\(r.openblas ?? "OpenBLAS not found: install libopenblas-dev"))\n\n"
        out += "| shape | Hush kernel | Hush | OpenBLAS sgemv | OpenBLAS sgemm (n=1) | Hush / best n=1 | OpenBLAS sgemm, 16 frames batched |\n"
        out += "|---|---|---|---|---|---|---|\n"
        for k in r.kernels {
            let best = [k.openblasSgemvGmacPerSecond, k.openblasSgemmN1GmacPerSecond].compactMap { $0 }.max()
            out += "| \(k.shape) | \(k.kernel) | \(f(k.hushGmacPerSecond, 2)) | \(f(k.openblasSgemvGmacPerSecond, 2)) | "
                + "\(f(k.openblasSgemmN1GmacPerSecond, 2)) | \(f(best.map { k.hushGmacPerSecond / $0 }, 2)) | "
                + "\(f(k.openblasSgemmBatch16GmacPerSecond, 2)) |\n"
        }
        return out
    }

    static func cpuName() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    }
}
