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
}
