import ArgumentParser
import Foundation
import Hush
import HushAudio
import Synchronization

/// `hush denoise IN OUT`, or a batch: `hush denoise IN... -o OUTDIR` (files and folders).
struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Denoise an audio file into a WAV or FLAC file, or files and folders into a folder (-o).",
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

            Batch: with -o/--output-dir every argument is an input, a file or a folder (its audio \
            files, subfolders included, hidden ones skipped), denoised into OUTDIR: a file keeps \
            its name (--name-pattern), a folder's tree is mirrored under OUTDIR. --jobs N files run \
            at once (default: every core), each on its own denoiser. All outputs are checked before \
            any work, as above: an existing output without -f, or an output that is an input, stops \
            the batch before anything is written. A file that then fails (not audio, truncated, \
            unwritable) is reported and the rest go on; the exit status is 1 if any failed. \
            Progress goes to stderr (one line rewritten on a terminal, a line per file otherwise), \
            then a summary (files, hours of audio, wall time, RTF) on stdout and one line per \
            failure on stderr.

            Examples:
              hush denoise noisy.wav clean.wav
              hush denoise --jobs 4 -o clean/ recordings/ extra.flac
              hush denoise --budget 0.25 --report cost.json talk.flac talk-denoised.wav
              hush denoise --model my.hush --float in.wav out.wav
              hush denoise --reference clean.wav noisy.wav denoised.wav
              hush denoise --model with-head.hush --vad speech.csv noisy.wav denoised.wav
            """)

    @Argument(help: ArgumentHelp(
        "INPUT OUTPUT (an audio file and the output file, .wav or .flac); with -o, the inputs: files and folders.",
        valueName: "paths"))
    var paths: [String]

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp(
        "Batch: denoise every input (files, folders) into this folder, mirroring folders' trees.", valueName: "OUTDIR"))
    var outputDir: String?

    @Option(help: ArgumentHelp(
        "Batch: output file names; {stem} is the input's name without its extension, {ext} its extension if Hush writes it (wav, flac), else wav.",
        valueName: "pattern"))
    var namePattern = BatchPlan.defaultNamePattern

    @Option(help: "Batch: files denoised at once, each on its own thread and denoiser (default: every core).")
    var jobs: Int?

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Write the cost report, with per-frame detail, as JSON.", valueName: "file.json"))
    var report: String?

    @Option(help: ArgumentHelp("Write the speech probability of every frame (time_s, speech_probability) as CSV; needs a model with a speech-activity head.", valueName: "file.csv"))
    var vad: String?

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

    // The two forms are told apart by -o alone: without it there are exactly two paths, as
    // before batches existed, so every single-file command line keeps its meaning.
    func validate() throws {
        if outputDir == nil {
            guard paths.count == 2 else {
                throw ValidationError(paths.count < 2
                    ? "expected INPUT and OUTPUT (or inputs with -o OUTDIR for a batch)"
                    : "\(paths.count) paths: a batch needs -o OUTDIR (denoise IN... -o OUTDIR)")
            }
            if jobs != nil || namePattern != BatchPlan.defaultNamePattern {
                throw ValidationError("--jobs and --name-pattern are for a batch (-o OUTDIR)")
            }
        } else {
            guard !paths.isEmpty else { throw ValidationError("a batch needs at least one input") }
            if report != nil || reference != nil || vad != nil {
                throw ValidationError("--report, --reference and --vad are for a single file, not a batch (-o)")
            }
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            guard namePattern.contains("{stem}"), !namePattern.contains("/") else {
                throw ValidationError("--name-pattern must contain {stem} and no '/'")
            }
        }
    }

    /// How each output is written, from the flags (both forms).
    var fileOptions: FileDenoiseOptions {
        FileDenoiseOptions(encoding: float ? .float32 : .pcm16, dithers: dither, removesDC: !audioPath.keepDc,
                           fullBand: audioPath.fullBand)
    }

    func run() throws {
        if let outputDir { return try runBatch(into: outputDir) }
        let (input, output) = (paths[0], paths[1])
        let denoiser = try runReportingErrors { try makeDenoiser(model: nil) }
        // Every path is checked before any work: a bad one fails now, with nothing written.
        let options = fileOptions
        let encoding = options.encoding
        let outputs = try runReportingErrors {
            let files = try OutputPlan.check(
                inputs: [input] + (reference.map { [$0] } ?? []),
                outputs: [.init(output, mayReplaceInput: true)] + (report.map { [.init($0)] } ?? [])
                    + (vad.map { [.init($0)] } ?? []),
                overwrite: overwrite)
            if !files[0].replacesInput { _ = try AudioFileFormat(path: output, encoding: encoding) }
            if let reference { _ = try AudioFileReader(path: reference) }
            return files
        }
        let frameLog = try runReportingErrors { try report.map { _ in try FrameLog(for: outputs[1]) } }
        let speechFile = try runReportingErrors { () -> SpeechActivityFile? in
            guard vad != nil else { return nil }
            guard let network = denoiser.network else {
                throw ValidationFailure(message: "--vad: no network runs with --pass-through")
            }
            try SpeechActivityFile.check(network.model)
            return try SpeechActivityFile(for: outputs[outputs.count - 1], configuration: network.model.configuration)
        }
        let onFrameRecord: ((FrameRecord) -> Void)? = frameLog == nil && speechFile == nil ? nil : { record in
            frameLog?.append(record)
            speechFile?.append(record)
        }
        let summary = try runReportingErrors {
            try FileDenoiser.run(inputPath: input, output: outputs[0], denoiser: denoiser,
                                 options: options, onFrameRecord: onFrameRecord)
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
                try CostReport(summary: summary, totals: totals, network: network, frameLog: frameLog)
                    .write(to: outputs[1], frames: frameLog)
            }
            try speechFile?.finish(duration: summary.duration)
        }
        if let reference {
            say(try EvalReport.denoiseQuality(reference: reference, input: input, output: output,
                                              inPlace: outputs[0].replacesInput))
        }
    }
}

extension DenoiseCommand {
    /// A denoiser as the options ask, over `model` (the model is loaded once and shared by the
    /// denoisers of a batch; nil loads it).
    func makeDenoiser(model: Model?) throws -> Denoiser {
        if passThrough { return try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage()) }
        return try modelOptions.makeDenoiser(model: model ?? modelOptions.loadModel())
    }

    /// The batch form: plan and check everything, then run the jobs, printing progress and a summary.
    func runBatch(into outputDir: String) throws {
        let options = fileOptions
        let encoding = options.encoding
        let (items, outputs) = try runReportingErrors {
            let items = try BatchPlan.items(inputs: paths, outputDirectory: outputDir, namePattern: namePattern,
                                            encoding: encoding)
            guard !items.isEmpty else { throw ValidationFailure(message: "no audio files in \(paths.joined(separator: ", "))") }
            return (items, try BatchPlan.prepare(items, outputDirectory: outputDir, overwrite: overwrite,
                                                 encoding: encoding))
        }
        let count = min(items.count, jobs ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let denoisers = try runReportingErrors {
            let model = passThrough ? nil : try modelOptions.loadModel()
            return try (0..<count).map { _ in try makeDenoiser(model: model) }
        }
        let terminal = isatty(2) == 1
        // A terminal line is redrawn at most 10 times a second (and at the end): a batch of
        // thousands of tiny files would otherwise spend its time drawing.
        let lastDrawn = Mutex<ContinuousClock.Instant?>(nil)
        let summary = BatchDenoiser.run(
            items, outputs: outputs, denoisers: denoisers,
            options: options,
            onProgress: { progress in
                if terminal {
                    let now = ContinuousClock.now
                    let due = lastDrawn.withLock { last in
                        guard progress.finished == progress.total || last.map({ now - $0 >= .milliseconds(100) }) ?? true
                        else { return false }
                        last = now
                        return true
                    }
                    // One line, rewritten: carriage return, the line, clear to its end.
                    if due { FileHandle.standardError.write(Data(("\r" + progress.line + "\u{1B}[K").utf8)) }
                } else {
                    printError(SummaryLine.batchFile(progress))
                }
            })
        if terminal { printError("") }
        print(summary.line)
        for failure in summary.failures { printError("failed: \(failure.reason)") }
        if !summary.failures.isEmpty { throw ExitCode.failure }
    }
}

/// Options of the audio path around the network, shared by `denoise` and `stream`.
struct AudioPathOptions: ParsableArguments {
    @Flag(help: "Keep DC and rumble: skip the DC blocker (a 20 Hz high-pass) that runs before analysis.")
    var keepDc = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "At rates above 16 kHz, keep the band the model does not see (8 kHz up to Nyquist), scaled frame by frame by the gain the model gave 6–8 kHz; --no-full-band cuts the output at 8 kHz."))
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
        try makeDenoiser(model: loadModel())
    }

    /// The model: bundled or from `--model`.
    func loadModel() throws -> Model {
        do { return try Model.load(path: model) } catch let error as ModelFileError {
            throw ValidationFailure(message: error.description)
        }
    }

    /// A denoiser over `loaded` at `--budget` and `--attenuation-limit`.
    func makeDenoiser(model loaded: Model) throws -> Denoiser {
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
