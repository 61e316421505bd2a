import Foundation
import Hush
import Synchronization

/// One file that failed, and why (one line).
public struct BatchFailure: Sendable, Equatable {
    /// The input file.
    public var input: String
    /// The error, as one line naming its path.
    public var reason: String
}

/// Where a batch stands, reported after each file.
public struct BatchProgress: Sendable {
    /// The file just finished (done or failed).
    public var item: BatchItem
    /// Its result: a summary, or the failure.
    public var result: Result<FileDenoiseSummary, AudioFileError>
    /// Files finished so far, failed ones included.
    public var finished: Int
    /// Files that failed so far.
    public var failed: Int
    /// Files in the batch.
    public var total: Int
    /// Seconds of audio denoised so far.
    public var audioSeconds: Double
    /// Wall-clock seconds since the batch started.
    public var elapsedSeconds: Double
    /// Estimated seconds left, from the input bytes still to do at the rate so far (nil before
    /// anything is done).
    public var remainingSeconds: Double?

    /// `12/200 files, 0.03 h of audio, 1 failed, ETA 0:41`: the line a progress display shows.
    public var line: String {
        var text = "\(finished)/\(total) files, \(String(format: "%.2f", audioSeconds / 3600)) h of audio"
        if failed > 0 { text += ", \(failed) failed" }
        if let remainingSeconds { text += ", ETA \(Self.clock(remainingSeconds))" }
        return text
    }

    /// `h:mm:ss`, or `m:ss` under an hour.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// What a batch did.
public struct BatchSummary: Sendable {
    /// Files in the batch.
    public var total: Int
    /// The files that failed, in the batch's order.
    public var failures: [BatchFailure]
    /// Seconds of audio denoised (failed files excluded).
    public var audioSeconds: Double
    /// Wall-clock seconds of the whole batch.
    public var wallSeconds: Double
    /// Jobs that ran in parallel.
    public var jobs: Int
    /// `wallSeconds / audioSeconds`: the batch's real-time factor, all jobs together.
    public var realTimeFactor: Double { audioSeconds > 0 ? wallSeconds / audioSeconds : 0 }

    /// `denoised 199 of 200 files, 0.42 h of audio in 31.2 s (RTF 0.0206, 2 jobs)`.
    public var line: String {
        "denoised \(total - failures.count) of \(total) files, \(String(format: "%.3f", audioSeconds / 3600)) h of audio "
            + "in \(String(format: "%.1f", wallSeconds)) s (RTF \(String(format: "%.4f", realTimeFactor)), "
            + "\(jobs) job\(jobs == 1 ? "" : "s"))"
    }
}

/// Denoises many files on several threads. Each thread owns one `Denoiser` (its state is mutable
/// and unlocked: never shared); the `Model` under them is immutable and shared. The threads take
/// the next file from a shared index; the only lock is around that index and the progress, never
/// around a frame. A file that fails is recorded and the batch goes on.
public enum BatchDenoiser {
    /// Runs the batch with one thread per denoiser and returns when every file is finished.
    /// - Parameters:
    ///   - items: the files, with `outputs` from `BatchPlan.prepare` (same order).
    ///   - denoisers: one per job, each given to exactly one thread (so `denoisers.count` jobs).
    ///   - onProgress: called after each file, one call at a time (under the lock), e.g. to print.
    public static func run(_ items: [BatchItem], outputs: [OutputFile], denoisers: [Denoiser],
                           options: FileDenoiseOptions = FileDenoiseOptions(),
                           onProgress: @escaping @Sendable (BatchProgress) -> Void = { _ in }) -> BatchSummary {
        precondition(items.count == outputs.count && !denoisers.isEmpty)
        let clock = ContinuousClock()
        let start = clock.now
        let totalBytes = max(1, items.reduce(0) { $0 + $1.bytes })
        struct Shared {
            var next = 0
            var finished = 0
            var bytesDone = 0
            var audioSeconds = 0.0
            var failures: [(index: Int, failure: BatchFailure)] = []
        }
        let shared = Mutex(Shared())
        let work: @Sendable (Denoiser) -> Void = { denoiser in
            while true {
                let index = shared.withLock { state -> Int? in
                    guard state.next < items.count else { return nil }
                    defer { state.next += 1 }
                    return state.next
                }
                guard let index else { return }
                let item = items[index]
                let result: Result<FileDenoiseSummary, AudioFileError>
                do throws(AudioFileError) {
                    result = .success(try FileDenoiser.run(
                        inputPath: item.input, output: outputs[index], denoiser: denoiser, options: options))
                } catch {
                    result = .failure(error)
                }
                shared.withLock { state in
                    state.finished += 1
                    state.bytesDone += item.bytes
                    switch result {
                    case .success(let summary): state.audioSeconds += summary.duration
                    case .failure(let error):
                        state.failures.append((index, BatchFailure(input: item.input, reason: error.description)))
                    }
                    let elapsed = (clock.now - start).seconds
                    let left = Double(totalBytes - state.bytesDone)
                    onProgress(BatchProgress(
                        item: item, result: result, finished: state.finished, failed: state.failures.count,
                        total: items.count, audioSeconds: state.audioSeconds, elapsedSeconds: elapsed,
                        remainingSeconds: state.bytesDone > 0 ? elapsed * left / Double(state.bytesDone) : nil))
                }
            }
        }
        // Threads rather than a dispatch queue: exactly `denoisers.count` run at once, whatever
        // libdispatch thinks the machine's width is.
        let done = DispatchGroup()
        for denoiser in denoisers {
            let owned = Handoff(denoiser)
            done.enter()
            let thread = Thread {
                work(owned.value)
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        let state = shared.withLock { $0 }
        return BatchSummary(total: items.count, failures: state.failures.sorted { $0.index < $1.index }.map(\.failure),
                            audioSeconds: state.audioSeconds, wallSeconds: (clock.now - start).seconds,
                            jobs: denoisers.count)
    }
}

/// Carries a non-Sendable value to the one thread that will own it from then on; the sender keeps
/// no reference it uses afterwards, so nothing is shared.
private final class Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
