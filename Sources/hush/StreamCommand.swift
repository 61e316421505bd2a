import ArgumentParser
import Glibc
import Hush
import HushAudio

extension PCMSampleFormat: ExpressibleByArgument {}

/// `hush stream`: raw PCM on stdin, denoised raw PCM on stdout, one hop at a time.
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Denoise raw PCM from stdin to stdout in real time.",
        discussion: """
            Reads interleaved little-endian PCM (no header) and writes mono PCM in the same \
            encoding and rate, flushing every hop (16 ms at 16 kHz). Several channels are averaged to \
            mono. Other rates than the model's (16 kHz) are converted to it and back with libsoxr's \
            streaming resampler, which adds its filter's look-ahead to the latency.

            By default the output is delay-compensated: it has exactly the input's length and \
            sample k of it equals sample k of `hush denoise` on the same audio (bit for bit, at \
            other rates too: tested at 44.1 and 48 kHz). The end-to-end \
            latency is the same either way: 32 ms algorithmic plus processing time, with at most \
            one hop of input buffered. --no-delay-compensation instead emits the engine's raw \
            stream (the input delayed by 256 samples) from the first hop, one output hop per input \
            hop, and drops the last 256 samples at the end so the length still matches.

            End of input (even mid-sample or mid-frame) flushes the tail and exits 0; a reader \
            that closes stdout also ends the run with exit 0.

            Examples:
              sox in.wav -t raw -r 16000 -e signed -b 16 -c 1 - | hush stream > clean.raw
              arecord -f S16_LE -r 48000 -c 2 | hush stream --rate 48000 --channels 2 --stats > x.raw
              ffmpeg -i talk.mp3 -f f32le -ar 16000 -ac 1 - | hush stream --format f32le > x.f32
            """)

    @Option(help: "Sample rate of input and output in Hz (default: the model's, 16000; others are resampled).")
    var rate: Int?

    @Option(help: "Sample encoding of input and output: s16le or f32le.")
    var format: PCMSampleFormat = .s16le

    @Option(help: "Interleaved channels in the input (downmixed; the output is mono).")
    var channels: Int = 1

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Emit the raw stream (the input delayed by the engine's 16 ms) instead of aligning it with the input.")
    var noDelayCompensation = false

    @OptionGroup var audioPath: AudioPathOptions

    @Flag(help: "Print per-frame statistics on stderr: executed/dense MACs, active fraction, frame time.")
    var stats = false

    @Option(help: ArgumentHelp("Change the budget every second of audio, cycling through this comma-separated list from the first frame on (soak tests, budget policies).", valueName: "b1,b2,…"))
    var budgetSchedule: String?

    @Flag(help: "Print the setup and latency at the start and a summary at the end, on stderr.")
    var verbose = false

    func run() throws {
        // A reader that goes away must end the run cleanly: EPIPE from write(2), not a signal.
        signal(SIGPIPE, SIG_IGN)
        let schedule = try budgetSchedule.map(FrameMonitor.budgetSchedule(parsing:)) ?? []
        let denoiser = try runReportingErrors { try modelOptions.makeDenoiser() }
        let stream = try runReportingErrors {
            try PCMStream(denoiser: denoiser, format: format, channels: channels, rate: rate,
                          compensatesDelay: !noDelayCompensation, removesDC: !audioPath.keepDc,
                          fullBand: audioPath.fullBand)
        }
        if channels > 1 { printError("note: \(channels) channels downmixed to mono; output is mono") }
        if verbose { printError(StreamReport.setup(stream)) }
        let monitor = FrameMonitor(denoiser: denoiser, printsStats: stats, budgetSchedule: schedule)
        let outcome = StreamLoop.run(stream, monitor: monitor) { header in
            let matches = header.sampleRate == stream.rate && header.channels == channels
                && header.pcmFormat == format
            printError("note: stdin starts with a WAV header (\(header.description)): its "
                       + "\(header.headerBytes) bytes are skipped, not read as audio")
            return matches
        }
        if verbose { printError(StreamReport.summary(stream, monitor: monitor, outcome: outcome)) }
        if stream.sanitizedSamples > 0 {
            printError("warning: \(stream.sanitizedSamples) NaN, infinite or out-of-range input samples replaced")
        }
        if stream.clippedSamples > 0 {
            printError("warning: \(stream.clippedSamples) output samples clipped to full scale (--format f32le keeps them)")
        }
        switch outcome {
        case .endOfInput, .readerGone: return
        case .readFailed(let error):
            throw ValidationFailure(message: "stdin: read failed (\(String(cString: strerror(error))))")
        case .headerMismatch(let header):
            let needed = header.pcmFormat.map { "--format \($0.rawValue)" } ?? "16-bit integer or 32-bit float samples"
            throw ValidationFailure(message: "stdin: the WAV header says \(header.description), but the options say "
                                    + "\(stream.rate) Hz, \(channels) channel(s), \(format.rawValue); pass "
                                    + "--rate \(header.sampleRate) --channels \(header.channels) and \(needed)")
        case .writeFailed(let error):
            throw ValidationFailure(message: "stdout: write failed (\(String(cString: strerror(error))))")
        }
    }
}
