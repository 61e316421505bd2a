import CFFTW
import Synchronization

/// FFTW's planner keeps global state and is not thread-safe; every plan is made and destroyed
/// under this lock. Executing a plan needs no lock.
private let fftwPlannerLock = Mutex(())

/// Plans handed out of the planner lock; a plan is only a handle, used by one owner afterwards.
private struct PlanPair: @unchecked Sendable {
    var forward: fftwf_plan?
    var inverse: fftwf_plan?
}

/// A real FFT of one fixed size with its buffers, planned once at creation (FFTW_ESTIMATE, so the
/// chosen algorithm, and therefore every output bit, is the same on every run).
///
/// The time buffer holds `size` floats; the spectrum buffer holds `size/2 + 1` complex values,
/// interleaved as (re, im) floats. Both are SIMD-aligned by `fftwf_malloc`. Metrics reuse it.
public final class RealFFT {
    /// Transform length.
    public let size: Int
    /// Time-domain buffer, `size` floats.
    public let time: UnsafeMutablePointer<Float>
    /// Spectrum buffer, `size/2 + 1` complex values interleaved (re, im).
    public let spectrum: UnsafeMutablePointer<Float>
    private let forwardPlan: fftwf_plan
    private let inversePlan: fftwf_plan

    /// Plans both directions for `size` and allocates the buffers.
    /// - Throws: `HushError.fftUnavailable` if FFTW cannot plan or allocate.
    public init(size: Int) throws(HushError) {
        self.size = size
        let bins = size / 2 + 1
        guard let rawTime = fftwf_malloc(size * MemoryLayout<Float>.stride),
              let rawSpectrum = fftwf_malloc(2 * bins * MemoryLayout<Float>.stride) else {
            throw .fftUnavailable(size: size)
        }
        let timeBuffer = rawTime.bindMemory(to: Float.self, capacity: size)
        let spectrumBuffer = rawSpectrum.bindMemory(to: Float.self, capacity: 2 * bins)
        timeBuffer.initialize(repeating: 0, count: size)
        spectrumBuffer.initialize(repeating: 0, count: 2 * bins)
        time = timeBuffer
        spectrum = spectrumBuffer
        let complex = UnsafeMutablePointer<fftwf_complex>(OpaquePointer(spectrumBuffer))
        let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_DESTROY_INPUT)
        let plans = fftwPlannerLock.withLock { _ in
            PlanPair(forward: fftwf_plan_dft_r2c_1d(Int32(size), timeBuffer, complex, flags),
                     inverse: fftwf_plan_dft_c2r_1d(Int32(size), complex, timeBuffer, flags))
        }
        guard let forward = plans.forward, let inverse = plans.inverse else {
            fftwPlannerLock.withLock { _ in
                if let p = plans.forward { fftwf_destroy_plan(p) }
                if let p = plans.inverse { fftwf_destroy_plan(p) }
            }
            fftwf_free(rawTime)
            fftwf_free(rawSpectrum)
            throw .fftUnavailable(size: size)
        }
        forwardPlan = forward
        inversePlan = inverse
    }

    deinit {
        fftwPlannerLock.withLock { _ in
            fftwf_destroy_plan(forwardPlan)
            fftwf_destroy_plan(inversePlan)
        }
        fftwf_free(time)
        fftwf_free(spectrum)
    }

    /// `time` → `spectrum` (unnormalised). FFTW may overwrite `time`.
    @inline(__always) public func forward() { fftwf_execute(forwardPlan) }

    /// `spectrum` → `time` (unnormalised: the result is `size` times the true inverse).
    /// FFTW overwrites `spectrum`.
    @inline(__always) public func inverse() { fftwf_execute(inversePlan) }
}
