import ArgumentParser

/// `hush`: the command-line front end. Thin by design: parse, call the libraries, print.
@main
struct HushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hush",
        abstract: "Real-time speech denoising with a dynamically pruned convolutional network.",
        discussion: """
            Examples:
              hush denoise noisy.wav clean.wav
              hush denoise --budget 0.25 talk.flac talk-denoised.wav
              hush plot noisy.wav --out fig.png
            """,
        version: "0.1.0",
        subcommands: [DenoiseCommand.self, EvalCommand.self, PlotCommand.self])
}
