import Hush
import HushAudio

/// The `--verbose` lines of `hush stream` (once per run, so ordinary strings are fine).
enum StreamReport {
    static func setup(_ stream: PCMStream) -> String {
        let d = stream.denoiser
        let c = d.configuration
        let hopMs = Double(c.hop) * 1000 / Double(c.sampleRate)
        let budget = d.network.map { "budget \(SummaryLine.fixed(Double($0.budget), 2))" } ?? "pass-through"
        let resampling = stream.rate == c.sampleRate ? ""
            : " (resampled to \(c.sampleRate) Hz and back with libsoxr HQ in small DFT blocks)"
        var latency = "latency: \(SummaryLine.fixed(c.latencyMilliseconds, 1)) ms algorithmic (\(c.latencySamples) "
            + "samples, hop collection included)"
        if stream.rate != c.sampleRate {
            let up = StreamResampler.lookAheadSeconds(from: stream.rate, to: c.sampleRate, chunk: c.hop) * 1000
            let down = StreamResampler.lookAheadSeconds(from: c.sampleRate, to: stream.rate, chunk: c.hop) * 1000
            latency += " + up to \(SummaryLine.fixed(up, 1)) ms (in) and \(SummaryLine.fixed(down, 1)) ms (out) "
                + "held by libsoxr = up to \(SummaryLine.fixed(c.latencyMilliseconds + up + down, 1)) ms"
        }
        return "hush stream: \(stream.rate) Hz \(stream.format.rawValue), \(stream.channels) channel(s) in, "
            + "mono out, \(budget)\(resampling)\n"
            + latency + " + processing time; at most one hop (\(c.hop) samples, "
            + "\(SummaryLine.fixed(hopMs, 1)) ms) of input is buffered by hush itself\n"
            + (stream.compensatesDelay
                ? "delay compensation on: the first \(stream.skippedSamples) output samples (model rate) are dropped and the "
                    + "tail is flushed at end of input (output aligned with hush denoise)"
                : "delay compensation off: output is the input delayed by \(stream.pipeline.leadingSilence) samples "
                    + "(\(d.outputDelay) at the model rate); as many are dropped at end of input")
            + (stream.pipeline.keepsFullBand
                ? "\nfull band: above \(c.sampleRate / 2) Hz the input's own band is kept, scaled by the model's 6–8 kHz gain"
                : stream.rate > c.sampleRate ? "\nfull band off: output cut at \(c.sampleRate / 2) Hz" : "")
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
        case .headerMismatch: end = "WAV header contradicting the options"
        }
        let mean = monitor.frames > 0 ? monitor.total / Double(monitor.frames) : 0
        let perMillisecond = Double(stream.rate) / 1000
        let measured = "latency measured (input that arrived after a sample before it came out): max "
            + "\(SummaryLine.fixed(Double(stream.pipeline.maximumLatencySamples) / perMillisecond, 1)) ms, mean "
            + "\(SummaryLine.fixed(stream.pipeline.meanLatencySamples / perMillisecond, 1)) ms, processing time aside\n"
        return measured + "hush stream: \(end); \(stream.inputFrames) samples in, \(stream.outputFrames) out, "
            + "\(monitor.frames) frames, mean \(SummaryLine.fixed(mean * 1000, 3)) ms, "
            + "max \(SummaryLine.fixed(monitor.slowest * 1000, 3)) ms per frame "
            + "(hop \(SummaryLine.fixed(monitor.hopSeconds * 1000, 1)) ms), \(monitor.lateFrames) late"
    }
}
