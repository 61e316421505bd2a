import ArgumentParser
import Foundation
import Hush
import HushAudio

/// `hush-bench`: times the network at several budgets against the dense (ungated) network and
/// compares the wall-clock speed-up with the executed-MAC speed-up, all inside one run so the
/// machine's noise affects every mode alike (modes are interleaved round by round).
@main
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hush-bench",
        abstract: "Single-thread speed of the Hush engine: dense vs gated at several budgets.")

    @Option(help: "Seconds of audio per timed pass.")
    var seconds: Double = 30

    @Option(help: "Timed rounds (the fastest is reported: noise only ever adds time).")
    var rounds: Int = 5

    @Option(help: "Budgets to time, comma-separated.")
    var budgets: String = "1,0.75,0.5,0.25"

    @Option(help: "Model file (default: the bundled model).")
    var model: String?

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: ArgumentHelp(
        "Static baselines to time beside the gated model, comma-separated NAME=PATH (model files whose "
            + "gates keep every channel on, checked first), each run without its gates in the same "
            + "interleaved rounds.",
        valueName: "name=path,..."))
    var staticModels: String?

    struct Mode {
        var name: String
        var budget: Float
        var gating: Gating
        /// Index into the loaded models: 0 is the gated model, the rest are the static baselines.
        var model = 0
    }

    struct Row: Codable {
        var mode: String
        var executedMacsPerFrame: Double
        /// The same, per second of audio, in millions.
        var executedMmacPerSecond: Double
        var macSpeedup: Double
        var networkMicrosecondsPerFrame: Double
        var wallSpeedup: Double
        var endToEndRealTimeFactor: Double
        var activeFraction: Double
    }

    func run() throws {
        let loaded: Model
        do { loaded = try Model.load(path: model) } catch let error as ModelFileError {
            throw ValidationError(error.description)
        }
        let config = loaded.configuration
        let signal = try Self.testSignal(seconds: seconds, rate: config.stft.sampleRate)
        let spectra = try Self.spectra(of: signal, configuration: config.stft)
        let frameCount = spectra.count / (2 * config.bins)

        var modes = [Mode(name: "dense (no gates)", budget: 1, gating: .denseUngated)]
        for b in budgets.split(separator: ",").compactMap({ Float($0) }) {
            modes.append(Mode(name: "gated b=\(b)", budget: b, gating: .dynamic))
        }
        var models = [loaded]
        for entry in (staticModels ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--static-models: expected NAME=PATH, got '\(entry)'") }
            let other: Model
            do { other = try Model.load(path: parts[1]) } catch let error as ModelFileError {
                throw ValidationError("--static-models: \(error.description)")
            }
            guard other.configuration.stft == config.stft else {
                throw ValidationError("--static-models: \(parts[1]) frames audio differently from the gated model")
            }
            try Self.requireStatic(other, path: parts[1], spectra: spectra, frames: frameCount)
            models.append(other)
            // Its gates are constant, so they need not run: timed (and its MACs counted) ungated,
            // which is what a static network costs.
            modes.append(Mode(name: "static \(parts[0])", budget: 1, gating: .denseUngated, model: models.count - 1))
        }
        let networks = try modes.map {
            try GatedNetwork(model: models[$0.model], budget: $0.budget, gating: $0.gating)
        }
        let denoisers = try modes.map {
            try Denoiser(configuration: config.stft,
                         stage: GatedNetwork(model: models[$0.model], budget: $0.budget, gating: $0.gating))
        }
        var networkTimes = [[Double]](repeating: [], count: modes.count)
        var endToEndTimes = [[Double]](repeating: [], count: modes.count)
        let work = UnsafeMutablePointer<Float>.allocate(capacity: 2 * config.bins)
        defer { work.deallocate() }
        var output = [Float](repeating: 0, count: signal.count + config.stft.frameLength)

        for round in 0..<(rounds + 1) {  // round 0 warms caches and is discarded
            for (m, network) in networks.enumerated() {
                network.reset()
                let start = DispatchTime.now().uptimeNanoseconds
                Self.runFrames(network, spectra: spectra, frames: frameCount, work: work)
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                if round > 0 { networkTimes[m].append(elapsed) }

                let denoiser = denoisers[m]
                denoiser.reset()
                let start2 = DispatchTime.now().uptimeNanoseconds
                try signal.withUnsafeBufferPointer { input in
                    try output.withUnsafeMutableBufferPointer { out in
                        var written = 0
                        var at = 0
                        while at < input.count {
                            let end = min(at + config.stft.hop, input.count)
                            written += try denoiser.process(UnsafeBufferPointer(rebasing: input[at..<end]),
                                                            into: UnsafeMutableBufferPointer(rebasing: out[written...]))
                            at = end
                        }
                    }
                }
                let elapsed2 = Double(DispatchTime.now().uptimeNanoseconds - start2) * 1e-9
                if round > 0 { endToEndTimes[m].append(elapsed2) }
            }
        }

        let duration = Double(signal.count) / Double(config.stft.sampleRate)
        func fastest(_ v: [Double]) -> Double { v.min()! }
        let denseMACs = Double(config.denseMACsPerFrame)  // the gated model's dense cost: speed-ups are vs it
        let denseTime = fastest(networkTimes[0]) / Double(frameCount)
        var rows: [Row] = []
        for (m, mode) in modes.enumerated() {
            let totals = networks[m].totals
            let macs = Double(totals.executedMACs) / Double(totals.frames)
            let perFrame = fastest(networkTimes[m]) / Double(frameCount)
            let fraction = (0..<config.blocks).map { totals.meanActiveFraction(block: $0) }.reduce(0, +)
                / Double(config.blocks)
            rows.append(Row(mode: mode.name, executedMacsPerFrame: macs,
                            executedMmacPerSecond: macs * Double(config.stft.sampleRate) / Double(config.stft.hop) / 1e6,
                            macSpeedup: denseMACs / macs,
                            networkMicrosecondsPerFrame: perFrame * 1e6, wallSpeedup: denseTime / perFrame,
                            endToEndRealTimeFactor: fastest(endToEndTimes[m]) / duration,
                            activeFraction: mode.gating == .dynamic && mode.model == 0 ? fraction : 1))
        }
        print(Self.table(rows, frames: frameCount, duration: duration, rounds: rounds))
        print(try Self.levelTable(signal: signal, model: loaded, rounds: rounds))
        if let json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Throws unless `model`'s gates keep every channel of every block on in every frame of the
    /// signal at b = 1: only then is running it ungated the same network.
    static func requireStatic(_ model: Model, path: String, spectra: [Float], frames: Int) throws {
        let network = try GatedNetwork(model: model, budget: 1, gating: .dynamic)
        let work = UnsafeMutablePointer<Float>.allocate(capacity: 2 * model.configuration.bins)
        defer { work.deallocate() }
        runFrames(network, spectra: spectra, frames: frames, work: work)
        if let block = network.totals.activeFractionMin.firstIndex(where: { $0 < 1 }) {
            throw ValidationError("--static-models: \(path) is not static: block \(block)'s gates turn "
                + "channels off (lowest active fraction \(network.totals.activeFractionMin[block]))")
        }
    }

    /// Runs `network` over the first `frames` spectra (interleaved re/im, the model's bins each),
    /// through `work` (2·bins floats), which the network overwrites in place with its gain.
    static func runFrames(_ network: GatedNetwork, spectra: [Float], frames: Int,
                          work: UnsafeMutablePointer<Float>) {
        let bins = network.model.configuration.bins
        spectra.withUnsafeBufferPointer { all in
            for f in 0..<frames {
                work.update(from: all.baseAddress! + f * 2 * bins, count: 2 * bins)
                network.process(spectrum: work, bins: bins)
            }
        }
    }

    /// End-to-end time at b = 1 for the same signal at normal level, scaled down until its spectra
    /// underflow, made of subnormal samples, and silent: subnormal arithmetic on x86 takes a
    /// microcode path up to ~100× slower, so a quiet input must not slow the frame loop.
    static func levelTable(signal: [Float], model: Model, rounds: Int) throws -> String {
        var state: UInt32 = 99
        let subnormal = signal.indices.map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(bitPattern: state >> 10) * (state & 1 == 0 ? 1 : -1)  // exponent 0: subnormal
        }
        let inputs: [(String, [Float])] = [
            ("speech at normal level", signal),
            ("speech × 1e-20 (spectra near the float floor)", signal.map { $0 * 1e-20 }),
            ("subnormal samples", subnormal),
            ("digital silence", [Float](repeating: 0, count: signal.count)),
        ]
        let denoiser = try Denoiser(model: model)
        var best = [Double](repeating: .infinity, count: inputs.count)
        var output = [Float](repeating: 0, count: signal.count + 1024)
        for _ in 0..<(rounds + 1) {
            for (i, input) in inputs.enumerated() {
                denoiser.reset()
                let start = DispatchTime.now().uptimeNanoseconds
                try input.1.withUnsafeBufferPointer { x in
                    try output.withUnsafeMutableBufferPointer { _ = try denoiser.process(x, into: $0) }
                }
                best[i] = min(best[i], Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
        }
        var out = "\n| input (b = 1, end to end) | µs/frame | vs normal |\n|---|---|---|\n"
        let frames = Double(signal.count / model.configuration.stft.hop)
        for (i, input) in inputs.enumerated() {
            out += "| \(input.0) | \(String(format: "%.1f", best[i] / frames * 1e6)) | "
                + "\(String(format: "%.2f", best[i] / best[0]))× |\n"
        }
        return out
    }

    static func table(_ rows: [Row], frames: Int, duration: Double, rounds: Int) -> String {
        func f(_ v: Double, _ d: Int) -> String { String(format: "%.\(d)f", v) }
        var out = "Hush engine, single thread: \(f(duration, 1)) s of audio (\(frames) frames) per pass, "
            + "fastest of \(rounds) interleaved rounds (the least disturbed by other load)\n\n"
        out += "| mode | active fraction | executed MACs/frame | MAC speed-up vs dense | network µs/frame | wall speed-up vs dense | wall/MAC | end-to-end RTF |\n"
        out += "|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            out += "| \(r.mode) | \(f(r.activeFraction, 3)) | \(Int(r.executedMacsPerFrame.rounded())) | \(f(r.macSpeedup, 2))× | "
                + "\(f(r.networkMicrosecondsPerFrame, 1)) | \(f(r.wallSpeedup, 2))× | \(f(r.wallSpeedup / r.macSpeedup, 2)) | "
                + "\(f(r.endToEndRealTimeFactor, 4)) |\n"
        }
        if let full = rows.first(where: { $0.mode == "gated b=1.0" }),
           let quarter = rows.first(where: { $0.mode == "gated b=0.25" }) {
            let macRatio = full.executedMacsPerFrame / quarter.executedMacsPerFrame
            let wallRatio = quarter.wallSpeedup / full.wallSpeedup
            out += "\nb=0.25 vs b=1: MAC speed-up \(f(macRatio, 2))×, wall-clock speed-up \(f(wallRatio, 2))× "
                + "(ratio \(f(wallRatio / macRatio, 2)); target ≥ 0.80)\n"
            out += "RTF at b=1: \(f(full.endToEndRealTimeFactor, 4)) (target ≤ 0.02)\n"
        }
        return out
    }

    /// Real speech and the noisy fixture, tiled to `seconds`, with a little noise so no frame
    /// repeats exactly.
    static func testSignal(seconds: Double, rate: Int) throws -> [Float] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let a = try AudioReader.read(path: root + "/audio-fixtures/noisy-speech-16k.wav").downmixedToMono()
        let b = try AudioReader.read(path: root + "/audio-fixtures/real-speech-16k.flac").downmixedToMono()
        let count = Int(seconds * Double(rate))
        var signal = [Float](repeating: 0, count: count)
        var state: UInt32 = 12345
        for i in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            let dither = (Float(state >> 8) / Float(1 << 24) - 0.5) * 0.01
            let source = (i / (rate * 3)) % 2 == 0 ? a : b
            signal[i] = source[i % source.count] + dither
        }
        return signal
    }

    /// Every frame's spectrum of `signal` (analysis only), so network timings exclude the FFT.
    static func spectra(of signal: [Float], configuration: STFTConfiguration) throws -> [Float] {
        let recorder = SpectrumRecorder()
        let denoiser = try Denoiser(configuration: configuration, stage: recorder)
        _ = denoiser.denoise(signal)
        return recorder.frames
    }
}

/// A stage that keeps a copy of every spectrum it sees (benchmark set-up only).
final class SpectrumRecorder: SpectralStage {
    var frames: [Float] = []
    func process(spectrum: UnsafeMutablePointer<Float>, bins: Int) {
        frames.append(contentsOf: UnsafeBufferPointer(start: spectrum, count: 2 * bins))
    }
    func reset() { frames.removeAll() }
}
