@testable import Hush
import Testing

@Suite("PortableRealFFT (the FFT for targets without FFTW) against FFTW")
struct PortableRealFFTTests {
    /// Deterministic samples in ±1.
    static func samples(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    @Test("forward and inverse agree with FFTW's r2c/c2r to float rounding", arguments: [4, 8, 16, 64, 256, 512, 1024, 4096])
    func agreesWithFFTW(size: Int) throws {
        let (portableMemory, portable) = try Arena.allocating { (arena: inout Arena) throws(HushError) in
            try PortableRealFFT.carve(size: size, in: &arena)
        }
        let fftw = try RealFFT(size: size)
        defer { portableMemory.deallocate() }
        let p = try #require(portable)
        let bins = size / 2 + 1
        let input = Self.samples(size, seed: UInt64(size))
        for i in 0..<size { p.time[i] = input[i]; fftw.time[i] = input[i] }
        p.forward()
        fftw.forward()
        var scale: Float = 0
        for i in 0..<(2 * bins) { scale = max(scale, abs(fftw.spectrum[i])) }
        var worst: Float = 0
        for i in 0..<(2 * bins) { worst = max(worst, abs(p.spectrum[i] - fftw.spectrum[i])) }
        #expect(worst <= 2e-6 * scale, "forward: max error \(worst) against a largest bin of \(scale)")
        #expect(p.spectrum[1] == 0 && p.spectrum[2 * bins - 1] == 0, "DC and Nyquist are real")
        // The same spectrum back through both inverses (each overwrites its spectrum).
        for i in 0..<(2 * bins) { p.spectrum[i] = fftw.spectrum[i] }
        p.inverse()
        fftw.inverse()
        var inverseWorst: Float = 0
        for i in 0..<size {
            inverseWorst = max(inverseWorst, abs(p.time[i] - fftw.time[i]))
            #expect(abs(p.time[i] / Float(size) - input[i]) <= 1e-5, "round trip at \(i)")
        }
        #expect(inverseWorst <= 2e-6 * Float(size), "inverse: max error \(inverseWorst)")
    }

    @Test("sizes that are not a power of two ≥ 4 are refused", arguments: [0, 2, 6, 500])
    func refusesOtherSizes(size: Int) {
        var arena = Arena.measuring()
        #expect(throws: HushError.self) { _ = try PortableRealFFT.carve(size: size, in: &arena) }
    }
}
