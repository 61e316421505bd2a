import Foundation
import Glibc
import Hush

/// Watches each frame of `hush stream`: prints per-frame statistics with `--stats`, and warns on
/// stderr when a frame took longer than the hop it covers, i.e. when processing falls behind real
/// time (as deep-filter's LADSPA plugin warns of underruns). Lines are formatted in a preallocated
/// buffer and written with write(2): watching allocates nothing per frame.
final class FrameMonitor {
    private let network: GatedNetwork?
    private let printsStats: Bool
    /// Seconds of audio one frame covers: the real-time budget for processing it.
    let hopSeconds: Double
    /// Frames per second of audio: the spacing of underrun warnings and of budget changes.
    private let warningInterval: Int
    private var line = ASCIILine(capacity: 256)

    /// Frames seen.
    private(set) var frames = 0
    /// Frames that took longer than a hop.
    private(set) var lateFrames = 0
    /// Underrun warnings printed.
    private(set) var warnings = 0
    /// Slowest frame, seconds.
    private(set) var slowest = 0.0
    /// Sum of frame times, seconds.
    private(set) var total = 0.0
    private var lastWarningFrame = Int.min / 2
    private var lateSinceWarning = 0

    /// Budgets to cycle through, one per second of audio (empty: the budget stays as set).
    private let budgetSchedule: [Float]
    private var scheduleIndex = 0

    init(denoiser: Denoiser, printsStats: Bool, budgetSchedule: [Float] = []) {
        network = denoiser.network
        self.printsStats = printsStats
        self.budgetSchedule = budgetSchedule
        let c = denoiser.configuration
        hopSeconds = Double(c.hop) / Double(c.sampleRate)
        // At most one underrun warning per second of audio, so a slow machine is not flooded.
        warningInterval = max(1, c.sampleRate / c.hop)
        // The schedule's first budget holds from the first frame, the next from one second on.
        if let first = budgetSchedule.first, let network {
            try? network.setBudget(first)  // validated when parsed
            scheduleIndex = 1 % budgetSchedule.count
        }
    }

    /// Parses `--budget-schedule`: comma-separated budgets in (0, 1], none empty.
    static func budgetSchedule(parsing text: String) throws -> [Float] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        return try items.map { item -> Float in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let b = Float(trimmed), b > 0, b <= 1 else {
                throw ValidationFailure(message: "--budget-schedule: '\(trimmed)' is not a budget in (0, 1] "
                                        + "(give budgets separated by commas, e.g. 1,0.5,0.25)")
            }
            return b
        }
    }

    deinit { line.deallocate() }

    /// Records one frame that took `seconds` to process.
    func frame(seconds: Double) {
        frames += 1
        total += seconds
        slowest = max(slowest, seconds)
        if printsStats { printStats(seconds) }
        if !budgetSchedule.isEmpty, frames % warningInterval == 0, let network {
            // Validated when parsed, so this cannot fail.
            try? network.setBudget(budgetSchedule[scheduleIndex])
            scheduleIndex = (scheduleIndex + 1) % budgetSchedule.count
        }
        guard seconds > hopSeconds else { return }
        lateFrames += 1
        lateSinceWarning += 1
        guard frames - lastWarningFrame >= warningInterval else { return }
        line.clear()
        line.append("hush: warning: underrun: frame ")
        line.append(frames - 1)
        line.append(" took ")
        line.append(seconds * 1000, places: 2)
        line.append(" ms, longer than its hop (")
        line.append(hopSeconds * 1000, places: 1)
        line.append(" ms): processing is falling behind real time (")
        line.append(lateSinceWarning)
        line.append(" late frame(s) since the last warning)\n")
        emit()
        warnings += 1
        lastWarningFrame = frames
        lateSinceWarning = 0
    }

    /// `frame <i> macs <executed>/<dense> (<percent>%) active <fraction> [speech <probability>] time <ms> ms`
    /// (`speech` only when the model has a speech-activity head).
    private func printStats(_ seconds: Double) {
        line.clear()
        line.append("frame ")
        line.append(frames - 1)
        if let stats = network?.lastFrame {
            line.append(" macs ")
            line.append(stats.executedMACs)
            line.append("/")
            line.append(stats.denseMACs)
            line.append(" (")
            line.append(stats.executedRatio * 100, places: 1)
            line.append("%) active ")
            line.append(Double(stats.activeFraction), places: 3)
            if stats.speechProbability >= 0 {  // only for a model with a speech-activity head
                line.append(" speech ")
                line.append(Double(stats.speechProbability), places: 3)
            }
        }
        line.append(" time ")
        line.append(seconds * 1000, places: 3)
        line.append(" ms\n")
        emit()
    }

    private func emit() {
        _ = FileDescriptorIO.writeAll(2, line.bytes)
    }
}
