import ArgumentParser
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

            Examples:
              hush denoise noisy.wav clean.wav
              hush denoise --float --pass-through in.flac roundtrip.wav
            """)

    @Argument(help: "Input audio file.")
    var input: String

    @Argument(help: "Output file (.wav or .flac).")
    var output: String

    @Flag(help: "Write 32-bit float WAV instead of 16-bit PCM.")
    var float = false

    @Flag(help: "Allow OUTPUT to be INPUT (replaced atomically).")
    var overwrite = false

    @Flag(help: "Skip the network: analysis and synthesis only (checks the audio path).")
    var passThrough = false

    func run() throws {
        let denoiser = try Denoiser(configuration: STFTConfiguration(), stage: PassThroughStage())
        let summary = try runReportingErrors {
            try FileDenoiser.run(inputPath: input, outputPath: output, denoiser: denoiser,
                                 encoding: float ? .float32 : .pcm16, overwrite: overwrite)
        }
        if summary.inputChannels > 1 {
            printError("note: \(summary.inputChannels) channels downmixed to mono; output is mono")
        }
        print(SummaryLine.denoise(summary, output: output))
    }
}
