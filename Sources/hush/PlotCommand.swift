import ArgumentParser
import Foundation
import Hush
import HushAudio
import HushPlot

/// `hush plot IN --out fig.png`.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw what the network does to a file: spectrograms, mask, channel activity.",
        discussion: """
            Denoises IN (any format libsndfile reads; downmixed and resampled to the model rate) \
            and writes one PNG with, on a shared time axis: the noisy spectrogram, the enhanced \
            spectrogram, the predicted mask, the channel-activity map (every gated block × every \
            channel × time, computed or skipped) and the executed-MAC fraction per frame.

            The PNG is checked before any work (never the input, an existing file only with \
            --overwrite) and written to a temporary file and renamed; '-' is standard output.

            Examples:
              hush plot noisy.wav --out fig.png
              hush plot --budget 0.25 --width 1600 talk.flac --out talk.png
            """)

    @Argument(help: "Input audio file.")
    var input: String

    @Option(help: ArgumentHelp("The PNG to write.", valueName: "fig.png"))
    var out: String

    @OptionGroup var modelOptions: ModelOptions

    @Flag(name: [.customShort("f"), .long], help: "Replace an existing output file.")
    var overwrite = false

    @Option(help: "Width of the plot area in pixels (200…8000).")
    var width: Int = 1000

    func validate() throws {
        guard (200...8000).contains(width) else {
            throw ValidationError("--width must be between 200 and 8000")
        }
    }

    func run() throws {
        guard let network = try runReportingErrors({ try modelOptions.makeDenoiser() }).network else {
            throw ValidationFailure(message: "no network to plot")
        }
        let model = network.model
        let output = try runReportingErrors {
            try OutputPlan.check(inputs: [input], outputs: [.init(out)], overwrite: overwrite)[0]
        }
        let (trace, image) = try runReportingErrors {
            let audio = try AudioReader.read(path: input)
            let signal = try Resampler.resample(audio.downmixedToMono(), from: audio.sampleRate,
                                                to: model.configuration.stft.sampleRate)
            // The network as the options made it: budget and attenuation limit included.
            let trace = try DenoiseTrace.run(network: network, signal: signal).trace
            let name = URL(fileURLWithPath: input).lastPathComponent
            return (trace, try DenoiseFigure.render(trace, title: name, plotWidth: width).image)
        }
        try runReportingErrors { try output.write(try PNGFile.encode(image, name: out)) }
        let say = SummaryLine.printer(away: [output])
        say("\(out): \(image.width)×\(image.height) px, \(trace.frames) frames, budget "
              + "\(SummaryLine.fixed(Double(trace.budget), 2)), executed "
              + "\(SummaryLine.fixed(trace.meanExecutedFraction * 100, 1))% of dense MACs")
    }
}
