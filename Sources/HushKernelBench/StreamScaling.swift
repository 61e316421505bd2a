#if canImport(Glibc)
import Glibc
#endif
import Hush

/// Cost of the streaming engine alone vs input length: `seconds` of audio pushed one hop at a
/// time through one `Denoiser` (the fixture's samples, cycled, with a little dither so no frame
/// repeats), no file I/O. Reports the time and the process's peak RSS (VmHWM), which stays flat with
/// length because the engine's state is a fixed workspace.
enum StreamScaling {
    struct Row: Codable {
        var seconds: Double
        var processingSeconds: Double
        var realTimeFactor: Double
        var peakRssMib: Double
    }

    static func run(seconds: Double, source: [Float], budget: Float) throws -> Row {
        let denoiser = try Denoiser(model: Model.bundled(), budget: budget)
        let rate = denoiser.configuration.sampleRate, hop = denoiser.configuration.hop
        let total = Int(seconds * Double(rate))
        var input = [Float](repeating: 0, count: hop)
        var output = [Float](repeating: 0, count: hop)
        var state: UInt32 = 7
        var position = 0, elapsed: UInt64 = 0
        while position < total {
            for i in 0..<hop {
                state = state &* 1_664_525 &+ 1_013_904_223
                input[i] = source[(position + i) % source.count] + (Float(state >> 8) / Float(1 << 24) - 0.5) * 1e-3
            }
            let start = nanoseconds()
            try input.withUnsafeBufferPointer { i in
                try output.withUnsafeMutableBufferPointer { o in _ = try denoiser.process(i, into: o) }
            }
            elapsed += nanoseconds() - start
            position += hop
        }
        let processing = Double(elapsed) * 1e-9
        return Row(seconds: seconds, processingSeconds: processing, realTimeFactor: processing / seconds,
                   peakRssMib: Double(peakResidentKiB()) / 1024)
    }

    /// This process's peak resident set (`VmHWM` in /proc/self/status), in KiB. Not
    /// `getrusage`: Linux carries its maximum over from the parent across fork and exec.
    static func peakResidentKiB() -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmHWM:") {
                return Int(text.dropFirst(6).filter { $0.isNumber }) ?? 0
            }
        }
        return 0
    }
}
