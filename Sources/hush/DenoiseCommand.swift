import ArgumentParser
import Foundation
import Hush
import HushAudio

/// `hush denoise IN OUT`.
struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Denoise an audio file into a WAV or FLAC file.",
        discussion: """
            Reads any format libsndfile reads, at any rate and channel count. Several channels are \
            downmixed to mono (the output is mono); other rates are resampled to the model rate \
            with libsoxr and back, so the output has the input's rate and length. The output is \
            written to a temporary file and renamed, so it never exists half-written.

            Prints the run (duration, frames, latency, real-time factor) and the network's cost: \
            dense vs executed MMAC/s, the saving, and active-channel fractions per gated block.

            Examples:
              hush denoise noisy.wav clean.wav
              hush denoise --budget 0.25 --report cost.json talk.flac talk-denoised.wav
              hush denoise --model my.hush --float in.wav out.wav
              hush denoise --reference clean.wav noisy.wav denoised.wav
            """)

    @Argument(help: "Input audio file.")
    var input: String

    @Argument(help: "Output file (.wav or .flac).")
    var output: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Write the cost report, with per-frame detail, as JSON.", valueName: "file.json"))
    var report: String?

    @Flag(help: "Write 32-bit float WAV instead of 16-bit PCM.")
    var float = false

    @Flag(help: "Allow OUTPUT to be INPUT (replaced atomically).")
    var overwrite = false

    @Flag(help: "Skip the network: analysis and synthesis only (checks the audio path).")
    var passThrough = false

    @Option(help: ArgumentHelp("Clean reference: also print the quality (PESQ, STOI, SI-SDR, …) of input and output against it.", valueName: "clean.wav"))
    var reference: String?

    func run() throws {
        let denoiser = try runReportingErrors {
            passThrough
                ? try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage())
                : try modelOptions.makeDenoiser()
        }
        let summary = try runReportingErrors {
            try FileDenoiser.run(inputPath: input, outputPath: output, denoiser: denoiser,
                                 encoding: float ? .float32 : .pcm16, overwrite: overwrite,
                                 recordFrames: report != nil)
        }
        if summary.inputChannels > 1 {
            printError("note: \(summary.inputChannels) channels downmixed to mono; output is mono")
        }
        if summary.sanitizedSamples > 0 {
            printError("warning: \(summary.sanitizedSamples) NaN, infinite or out-of-range input samples replaced")
        }
        print(SummaryLine.denoise(summary, output: output))
        if let network = denoiser.network, let totals = summary.network {
            print(SummaryLine.cost(totals, configuration: network.model.configuration, budget: network.budget))
            if let report {
                try runReportingErrors {
                    try CostReport(summary: summary, totals: totals, network: network).write(to: report)
                }
            }
        }
        if let reference {
            print(try EvalReport.denoiseQuality(reference: reference, input: input, output: output))
        }
    }
}

/// Options that choose the model and its budget, shared by the commands that run the network.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model file (default: the bundled model).", valueName: "path"))
    var model: String?

    @Option(help: "Budget b in (0, 1]: each gated block computes at most ceil(b·C) channels (default: the model's).")
    var budget: Float?

    @Option(help: ArgumentHelp(
        "Attenuation limit in dB: no bin is attenuated by more than this; 'none' for the mask as the network computed it (default: the model's, 20 for the bundled model).",
        valueName: "dB"))
    var attenuationLimit: String?

    /// Loads the model (bundled or from `--model`) and builds a denoiser at `--budget`.
    func makeDenoiser() throws -> Denoiser {
        let loaded: Model
        if let path = model {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationFailure(message: "\(path): cannot read model file")
            }
            do {
                loaded = try Model.load([UInt8](data))
            } catch {
                throw ValidationFailure(message: "\(path): \(error.description)")
            }
        } else {
            loaded = try Model.bundled()
        }
        let denoiser = try Denoiser(model: loaded, budget: budget)
        if let limit = attenuationLimit {
            // Checked here rather than by the parser, so that a bad value is one line like --budget's.
            let decibels: Float? = limit.lowercased() == "none" ? .infinity : Float(limit).flatMap { $0 > 0 ? $0 : nil }
            guard let decibels else {
                throw ValidationFailure(message: "--attenuation-limit: '\(limit)' is neither a number of dB > 0 nor 'none'")
            }
            try denoiser.network?.setAttenuationLimit(decibels)
        }
        return denoiser
    }
}
