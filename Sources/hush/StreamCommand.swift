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
            sample k of it equals sample k of `hush denoise` on the same audio (at 16 kHz; at \
            other rates it matches to within the resamplers' rounding). The end-to-end \
            latency is the same either way: 32 ms algorithmic plus processing time, with at most \
            one hop of input buffered. --no-delay-compensation instead emits the engine's raw \
            stream (the input delayed by 256 samples) from the first hop, one output hop per input \
            hop, and drops the last 256 samples at the end so the length still matches.

            End of input (even mid-sample or mid-frame) flushes the tail and exits 0; a reader \
            that closes stdout also ends the run with exit 0.

            Examples:
              sox noisy.wav -t raw -r 16000 -e signed -b 16 -c 1 - | hush stream | play -t raw -r 16000 -e signed -b 16 -c 1 -
              arecord -f S16_LE -r 16000 -c 2 | hush stream --channels 2 --budget 0.25 --stats > clean.raw
              ffmpeg -i talk.mp3 -f f32le -ar 16000 -ac 1 - | hush stream --format f32le > clean.f32
            """)

    @Option(help: "Sample rate of input and output in Hz (default: the model's, 16000; others are resampled).")
    var rate: Int?

    @Option(help: "Sample encoding of input and output: s16le or f32le.")
    var format: PCMSampleFormat = .s16le

    @Option(help: "Interleaved channels in the input (downmixed; the output is mono).")
    var channels: Int = 1

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Emit the raw stream (input delayed by 256 samples) instead of aligning it with the input.")
    var noDelayCompensation = false

    @Flag(help: "Print per-frame statistics on stderr: executed/dense MACs, active fraction, frame time.")
    var stats = false

    @Flag(help: "Print the setup and latency at the start and a summary at the end, on stderr.")
    var verbose = false

    func run() throws {
        // A reader that goes away must end the run cleanly: EPIPE from write(2), not a signal.
        signal(SIGPIPE, SIG_IGN)
        let denoiser = try runReportingErrors { try modelOptions.makeDenoiser() }
        let c = denoiser.configuration
        let stream = try runReportingErrors {
            try PCMStream(denoiser: denoiser, format: format, channels: channels, rate: rate,
                          compensatesDelay: !noDelayCompensation)
        }
        if channels > 1 { printError("note: \(channels) channels downmixed to mono; output is mono") }
        if verbose { printError(StreamReport.setup(stream)) }
        let monitor = FrameMonitor(denoiser: denoiser, printsStats: stats)
        let outcome = StreamLoop.run(stream, monitor: monitor)
        if verbose { printError(StreamReport.summary(stream, monitor: monitor, outcome: outcome)) }
        switch outcome {
        case .endOfInput, .readerGone: return
        case .readFailed(let error):
            throw ValidationFailure(message: "stdin: read failed (\(String(cString: strerror(error))))")
        case .writeFailed(let error):
            throw ValidationFailure(message: "stdout: write failed (\(String(cString: strerror(error))))")
        }
    }
}

/// The stdin → stdout loop: fixed buffers, read(2) at most one hop at a time, write each chunk at
/// once. Allocates nothing per chunk.
enum StreamLoop {
    enum Outcome: Equatable {
        /// Input ended; the tail was flushed. `droppedBytes` of an incomplete sample were ignored.
        case endOfInput(droppedBytes: Int)
        /// The reader closed stdout.
        case readerGone
        case readFailed(errno: Int32)
        case writeFailed(errno: Int32)
    }

    static func run(_ stream: PCMStream, monitor: FrameMonitor) -> Outcome {
        // One hop of input at most, so no more than one hop waits in our buffer.
        let capacity = stream.denoiser.configuration.hop * stream.inputFrameBytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var writeError: Int32 = 0
        var readerGone = false
        let emit = { (bytes: UnsafeRawBufferPointer) -> Bool in
            switch FileDescriptorIO.writeAll(1, bytes) {
            case .written: return true
            case .readerGone: readerGone = true
            case .failed(let error): writeError = error
            }
            return false
        }
        while true {
            let n = FileDescriptorIO.readSome(0, into: buffer, capacity: capacity)
            if n < 0 { return .readFailed(errno: Int32(-n)) }
            if n == 0 { break }
            let going = stream.push(UnsafeRawBufferPointer(start: buffer, count: n),
                                    onFrame: monitor.frame(seconds:), emit: emit)
            if !going { return readerGone ? .readerGone : .writeFailed(errno: writeError) }
        }
        let dropped = stream.finish(onFrame: monitor.frame(seconds:), emit: emit)
        if readerGone { return .readerGone }
        if writeError != 0 { return .writeFailed(errno: writeError) }
        return .endOfInput(droppedBytes: dropped)
    }
}

/// The `--verbose` lines of `hush stream` (once per run, so ordinary strings are fine).
enum StreamReport {
    static func setup(_ stream: PCMStream) -> String {
        let d = stream.denoiser
        let c = d.configuration
        let hopMs = Double(c.hop) * 1000 / Double(c.sampleRate)
        let budget = d.network.map { "budget \(SummaryLine.fixed(Double($0.budget), 2))" } ?? "pass-through"
        let resampling = stream.rate == c.sampleRate ? ""
            : " (resampled to \(c.sampleRate) Hz and back with libsoxr HQ, which adds its filter look-ahead)"
        return "hush stream: \(stream.rate) Hz \(stream.format.rawValue), \(stream.channels) channel(s) in, "
            + "mono out, \(budget)\(resampling)\n"
            + "latency: \(SummaryLine.fixed(c.latencyMilliseconds, 1)) ms algorithmic (\(c.latencySamples) samples, "
            + "hop collection included) + processing time; at most one hop (\(c.hop) samples, "
            + "\(SummaryLine.fixed(hopMs, 1)) ms) of input is buffered\n"
            + (stream.compensatesDelay
                ? "delay compensation on: the first \(stream.skippedSamples) output samples (model rate) are dropped and the "
                    + "tail is flushed at end of input (output aligned with hush denoise)"
                : "delay compensation off: output is the input delayed by \(d.outputDelay) model-rate samples; "
                    + "as many are dropped at end of input")
    }

    static func summary(_ stream: PCMStream, monitor: FrameMonitor, outcome: StreamLoop.Outcome) -> String {
        var end: String
        switch outcome {
        case .endOfInput(let dropped):
            end = "end of input"
            if dropped > 0 { end += " (\(dropped) byte(s) of an incomplete sample ignored)" }
        case .readerGone: end = "reader closed stdout"
        case .readFailed: end = "read error"
        case .writeFailed: end = "write error"
        }
        let mean = monitor.frames > 0 ? monitor.total / Double(monitor.frames) : 0
        return "hush stream: \(end); \(stream.inputFrames) samples in, \(stream.outputFrames) out, "
            + "\(monitor.frames) frames, mean \(SummaryLine.fixed(mean * 1000, 3)) ms, "
            + "max \(SummaryLine.fixed(monitor.slowest * 1000, 3)) ms per frame "
            + "(hop \(SummaryLine.fixed(monitor.hopSeconds * 1000, 1)) ms), \(monitor.lateFrames) late"
    }
}
