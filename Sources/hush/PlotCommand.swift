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
            // Streamed in blocks through the same pipeline as `hush denoise` (downmix, DC blocker,
            // resampling), into a trace pooled per pixel column: memory does not grow with length.
            let reader = try AudioFileReader(path: input)
            let c = model.configuration.stft
            let declared = min(max(reader.declaredFrames, 0), 1 << 40)
            let modelSamples = Int((Double(declared) * Double(c.sampleRate) / Double(reader.sampleRate)).rounded(.up))
            // The network as the options made it: budget and attenuation limit included.
            let recorder = TraceRecorder(
                network: network, expectedFrames: TraceRecorder.frames(forModelSamples: modelSamples, configuration: c),
                maximumSlots: width)
            let pipeline = try DenoisePipeline(denoiser: try Denoiser(configuration: c, stage: recorder),
                                               rate: reader.sampleRate, fullBand: false)  // audio unused
            var reading = Duration.zero
            _ = try pipeline.push(reading: reader, readingTime: &reading, onFrame: { _ in }, emit: { _ in true })
            pipeline.finish(onFrame: { _ in }, emit: { _ in true })
            guard pipeline.inputSamples > 0 else { throw AudioFileError.empty(path: input) }
            let name = URL(fileURLWithPath: input).lastPathComponent
            return (recorder.trace, try DenoiseFigure.render(recorder.trace, title: name, plotWidth: width).image)
        }
        try runReportingErrors { try output.write(try PNGFile.encode(image, name: out)) }
        let say = SummaryLine.printer(away: [output])
        say("\(out): \(image.width)×\(image.height) px, \(trace.frames) frames, budget "
              + "\(SummaryLine.fixed(Double(trace.budget), 2)), executed "
              + "\(SummaryLine.fixed(trace.meanExecutedFraction * 100, 1))% of dense MACs")
    }
}
