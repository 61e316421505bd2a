import ArgumentParser
import Foundation
import Hush
import HushAudio

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Runs `body`, turning library errors into ArgumentParser's one-line "Error: …" and exit code 1.
func runReportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as AudioFileError {
        throw ValidationFailure(message: error.description)
    } catch let error as CustomStringConvertible & Error {
        throw ValidationFailure(message: error.description)
    }
}

/// A failure whose message is printed as-is on one line, with exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Formatting of the one-line summaries.
enum SummaryLine {
    /// Prints summary lines on stdout, or on stderr when one of `outputs` is standard output
    /// (so that what is written there stays clean).
    static func printer(away outputs: [OutputFile]) -> (String) -> Void {
        if outputs.contains(where: { $0.target == .standardOutput }) { return printError }
        return { line in print(line) }
    }

    static func denoise(_ s: FileDenoiseSummary, output: String) -> String {
        let rate = s.inputRate % 1000 == 0 ? "\(s.inputRate / 1000) kHz" : "\(s.inputRate) Hz"
        return "\(output): \(fixed(s.duration, 2)) s at \(rate), \(s.frames) frames, "
            + "latency \(fixed(s.latencyMilliseconds, 1)) ms, whole run \(fixed(s.totalSeconds, 3)) s "
            + "(RTF \(fixed(s.totalRealTimeFactor, 4))) = network \(fixed(s.processingSeconds, 3)) s "
            + "(RTF \(fixed(s.realTimeFactor, 4))) + reading \(fixed(s.readingSeconds, 3)) s + writing "
            + "\(fixed(s.writingSeconds, 3)) s + resampling and the rest \(fixed(s.otherSeconds, 3)) s"
    }

    /// One file of a batch, for progress when standard error is not a terminal:
    /// `[3/200] in/a.wav -> out/a.wav: 12.50 s` or `[4/200] failed: in/b.wav: …`.
    static func batchFile(_ p: BatchProgress) -> String {
        let counter = "[\(p.finished)/\(p.total)]"
        switch p.result {
        case .success(let s): return "\(counter) \(p.item.input) -> \(p.item.output): \(fixed(s.duration, 2)) s"
        case .failure(let error): return "\(counter) failed: \(error.description)"
        }
    }

    static func cost(_ t: NetworkTotals, configuration c: ModelConfiguration, budget: Float) -> String {
        let fps = c.framesPerSecond
        let dense = Double(c.denseMACsPerFrame) * fps / 1e6
        let executed = Double(t.executedMACs) / Double(max(t.frames, 1)) * fps / 1e6
        var line = "network: budget \(fixed(Double(budget), 2)) (cap \(c.channelCap(budget: budget))/\(c.convChannels) channels), "
            + "dense \(fixed(dense, 2)) MMAC/s, executed \(fixed(executed, 2)) MMAC/s incl. gates, "
            + "saving \(fixed(t.saving * 100, 1))%\nactive fraction per block (mean/min/max):"
        for i in 0..<c.blocks {
            line += " B\(i) \(fixed(t.meanActiveFraction(block: i), 2))/\(fixed(Double(t.activeFractionMin[i]), 2))/\(fixed(Double(t.activeFractionMax[i]), 2))"
        }
        return line
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
