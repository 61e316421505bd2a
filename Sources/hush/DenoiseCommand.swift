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
            with libsoxr and back, so the output has the input's rate and length.

            Every output (audio and --report; '-' is standard output) is checked before any work: \
            an output that is the same file as an input or as another output is refused, and an \
            existing file is replaced only with --overwrite (-f). A regular file is written to a \
            temporary file and renamed, keeping the replaced file's mode (a symbolic link is \
            followed and stays a link), so it never exists half-written; a FIFO or device is \
            written in place. Denoising in place (--overwrite IN IN) keeps the file's format.

            The input goes through a DC blocker (20 Hz high-pass; --keep-dc skips it). 16-bit \
            output is rounded to the nearest value (--dither adds TPDF dither) and clipped with a \
            warning; --float keeps samples above full scale. The file is processed in blocks: \
            memory does not grow with its length.

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

    @Flag(help: "Write 32-bit float WAV instead of 16-bit PCM (samples above full scale are kept).")
    var float = false

    @Flag(help: "Add TPDF dither (±1 LSB) before rounding to 16-bit (default: rounded to nearest, no dither).")
    var dither = false

    @OptionGroup var audioPath: AudioPathOptions

    @Flag(name: [.customShort("f"), .long],
          help: "Replace existing output files (OUTPUT may then be INPUT: denoise in place, keeping its format).")
    var overwrite = false

    @Flag(help: "Skip the network: the audio path only (DC blocker, resampling, analysis and synthesis).")
    var passThrough = false

    @Option(help: ArgumentHelp("Clean reference: also print the quality (PESQ, STOI, SI-SDR, …) of input and output against it.", valueName: "clean.wav"))
    var reference: String?

    func run() throws {
        let denoiser = try runReportingErrors {
            passThrough
                ? try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage())
                : try modelOptions.makeDenoiser()
        }
        // Every path is checked before any work: a bad one fails now, with nothing written.
        let encoding: OutputEncoding = float ? .float32 : .pcm16
        let outputs = try runReportingErrors {
            let files = try OutputPlan.check(
                inputs: [input] + (reference.map { [$0] } ?? []),
                outputs: [.init(output, mayReplaceInput: true)] + (report.map { [.init($0)] } ?? []),
                overwrite: overwrite)
            if !files[0].replacesInput { _ = try AudioFileFormat(path: output, encoding: encoding) }
            if let reference { _ = try AudioFileReader(path: reference) }
            return files
        }
        let frameLog = try runReportingErrors { try report.map { _ in try FrameLog(for: outputs[1]) } }
        let summary = try runReportingErrors {
            try FileDenoiser.run(inputPath: input, output: outputs[0], denoiser: denoiser,
                                 encoding: encoding, onFrameRecord: frameLog.map { log in { log.append($0) } },
                                 dithers: dither, removesDC: !audioPath.keepDc, fullBand: audioPath.fullBand)
        }
        if summary.inputChannels > 1 {
            printError("note: \(summary.inputChannels) channels downmixed to mono; output is mono")
        }
        if summary.samplesAboveFullScale > 0 {
            printError(summary.keptAboveFullScale
                ? "note: \(summary.samplesAboveFullScale) output samples above full scale kept (float output)"
                : "warning: \(summary.samplesAboveFullScale) output samples clipped to full scale (--float keeps them)")
        }
        if summary.sanitizedSamples > 0 {
            printError("warning: \(summary.sanitizedSamples) NaN, infinite or out-of-range input samples replaced")
        }
        // With the report on standard output, the summaries go to stderr so the JSON stays clean.
        let say = SummaryLine.printer(away: outputs)
        say(SummaryLine.denoise(summary, output: output))
        if let network = denoiser.network, let totals = summary.network {
            say(SummaryLine.cost(totals, configuration: network.model.configuration, budget: network.budget))
            if let frameLog {
                try CostReport(summary: summary, totals: totals, network: network).write(to: outputs[1], frames: frameLog)
            }
        }
        if let reference {
            say(try EvalReport.denoiseQuality(reference: reference, input: input, output: output,
                                              inPlace: outputs[0].replacesInput))
        }
    }
}

/// Options of the audio path around the network, shared by `denoise` and `stream`.
struct AudioPathOptions: ParsableArguments {
    @Flag(help: "Keep DC and rumble: skip the DC blocker (a 20 Hz high-pass) that runs before analysis.")
    var keepDc = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Above 16 kHz, keep the band the model does not see (8 kHz up to Nyquist), scaled frame by frame by the gain the model gave 6–8 kHz; --no-full-band cuts the output at 8 kHz."))
    var fullBand = true
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
