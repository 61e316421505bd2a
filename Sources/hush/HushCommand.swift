import ArgumentParser
import Hush
import HushAudio

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
              sox in.wav -t raw -r 16000 -e signed -b 16 -c 1 - | hush stream > clean.raw
              hush plot noisy.wav --out fig.png
            """,
        version: "\(HushVersion.string)",
        subcommands: [DenoiseCommand.self, StreamCommand.self, EvalCommand.self, PlotCommand.self,
                      MemoryCommand.self])

    /// Entry point: an interrupted run must never leave a half-written output behind.
    static func main() {
        TemporaryFiles.removeOnInterrupt()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
