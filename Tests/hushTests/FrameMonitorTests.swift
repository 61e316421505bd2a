@testable import hush
import Hush
import Testing

/// The underrun warning of `hush stream`: a frame that takes longer than the hop it covers is
/// late, and warnings are spaced at least one second of audio apart.
@Suite("hush stream underrun detection")
struct FrameMonitorTests {
    @Test("late frames are counted and warned about, at most once per second of audio")
    func underrun() throws {
        let denoiser = try Denoiser(model: .bundled())
        let monitor = FrameMonitor(denoiser: denoiser, printsStats: false)
        let hop = monitor.hopSeconds
        #expect(abs(hop - 0.016) < 1e-12)  // 256 samples at 16 kHz
        monitor.frame(seconds: hop * 0.5)
        monitor.frame(seconds: hop)  // exactly real time is not late
        #expect(monitor.lateFrames == 0 && monitor.warnings == 0)
        monitor.frame(seconds: hop * 3)
        #expect(monitor.lateFrames == 1 && monitor.warnings == 1)
        // 61 more frames (under one second of audio at 62.5 frames/s), all late: counted, not warned.
        for _ in 0..<61 { monitor.frame(seconds: hop * 2) }
        #expect(monitor.lateFrames == 62 && monitor.warnings == 1)
        // One second of audio after the first warning, the next late frame warns again.
        monitor.frame(seconds: hop * 2)
        #expect(monitor.lateFrames == 63 && monitor.warnings == 2)
        #expect(monitor.frames == 65)
    }

    @Test("--budget-schedule: the first budget holds from the first frame; empty items are refused")
    func budgetSchedule() throws {
        let denoiser = try Denoiser(model: .bundled())
        let network = try #require(denoiser.network)
        let schedule = try FrameMonitor.budgetSchedule(parsing: "0.25, 0.5")
        #expect(schedule == [0.25, 0.5])
        let monitor = FrameMonitor(denoiser: denoiser, printsStats: false, budgetSchedule: schedule)
        #expect(network.budget == 0.25)
        for _ in 0..<61 { monitor.frame(seconds: 0) }
        #expect(network.budget == 0.25)
        monitor.frame(seconds: 0)  // one second of audio (62 frames at 62.5 frames/s)
        #expect(network.budget == 0.5)
        for _ in 0..<62 { monitor.frame(seconds: 0) }
        #expect(network.budget == 0.25)
        for bad in [",", "", "1,,0.5", "0.5,", "0", "1.5", "x"] {
            #expect(throws: ValidationFailure.self, "\(bad)") { try FrameMonitor.budgetSchedule(parsing: bad) }
        }
    }
}
