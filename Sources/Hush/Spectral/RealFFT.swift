#if HUSH_PORTABLE_FFT
/// Without FFTW (firmware builds compile the core with `-D HUSH_PORTABLE_FFT`): the plain-Swift
/// transform, with the same buffers, interface and unnormalised results.
public typealias RealFFTState = PortableRealFFT
#else
import CFFTW
import Synchronization

/// A forward (r2c) and inverse (c2r) plan pair for one FFT size. Plans are only handles: FFTW's
/// new-array execute functions are thread-safe, so one pair serves every state of that size.
struct FFTPlans: @unchecked Sendable {
    var forward: fftwf_plan
    var inverse: fftwf_plan
}

/// The process-wide plans, one pair per FFT size, made on first use and never freed (like
/// RNNoise's static common tables). FFTW plans allocate internally and cannot live in caller
/// memory; everything else of a state does. The first init for a size plans (and allocates,
/// process-wide, once); every later init for that size only looks the pair up, allocating
/// nothing. FFTW's planner keeps global state and is not thread-safe: it runs under this lock.
enum FFTPlanCache {
    private static let plans = Mutex<[Int: FFTPlans]>([:])

    /// The plans for `size`, out-of-place, planned on 64-byte-aligned scratch with
    /// FFTW_ESTIMATE (so the chosen algorithm, and every output bit, is the same on every run).
    /// Executing them on other arrays requires the same alignment (`fftwf_alignment_of`) and the
    /// same out-of-place layout, which `RealFFTState.carve` guarantees.
    static func plans(size: Int) throws(HushError) -> FFTPlans {
        let found = plans.withLock { cache -> FFTPlans? in
            if let hit = cache[size] { return hit }
            let bins = size / 2 + 1
            let time = UnsafeMutableRawPointer.allocate(byteCount: size * 4, alignment: Arena.alignment)
            let spectrum = UnsafeMutableRawPointer.allocate(byteCount: bins * 8, alignment: Arena.alignment)
            defer {
                time.deallocate()
                spectrum.deallocate()
            }
            let t = time.bindMemory(to: Float.self, capacity: size)
            let s = spectrum.bindMemory(to: fftwf_complex.self, capacity: bins)
            let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_DESTROY_INPUT)
            let forward = fftwf_plan_dft_r2c_1d(Int32(size), t, s, flags)
            let inverse = fftwf_plan_dft_c2r_1d(Int32(size), s, t, flags)
            guard let forward, let inverse else {
                if let p = forward { fftwf_destroy_plan(p) }
                if let p = inverse { fftwf_destroy_plan(p) }
                return nil
            }
            let pair = FFTPlans(forward: forward, inverse: inverse)
            cache[size] = pair
            return pair
        }
        guard let found else { throw .fftUnavailable(size: size) }
        return found
    }
}

/// A real FFT of one size over buffers carved from an arena, executed with the shared plans of
/// `FFTPlanCache` (`fftwf_execute_dft_r2c`/`_c2r` on this state's own buffers).
///
/// `time` holds `size` floats; `spectrum` holds `size/2 + 1` complex values, interleaved as
/// (re, im) floats. Both are 64-byte aligned.
public struct RealFFTState {
    /// Transform length.
    public let size: Int
    /// Time-domain buffer, `size` floats.
    public let time: UnsafeMutablePointer<Float>
    /// Spectrum buffer, `size/2 + 1` complex values interleaved (re, im).
    public let spectrum: UnsafeMutablePointer<Float>
    let plans: FFTPlans

    /// Carves the buffers from `arena` and, when it can be written, zeroes them and looks the
    /// plans up (planning them on the first use of `size` in the process). Returns nil when the
    /// arena only measures or overflowed.
    /// - Throws: `HushError.fftUnavailable` if FFTW cannot plan `size`.
    static func carve(size: Int, in arena: inout Arena) throws(HushError) -> RealFFTState? {
        let bins = size / 2 + 1
        let time = arena.take(Float.self, count: size, for: .fft)
        let spectrum = arena.take(Float.self, count: 2 * bins, for: .fft)
        guard arena.canWrite else { return nil }
        time.initialize(repeating: 0, count: size)
        spectrum.initialize(repeating: 0, count: 2 * bins)
        // New-array execution needs the planning arrays' alignment: both are 64-byte aligned.
        guard fftwf_alignment_of(time) == 0, fftwf_alignment_of(spectrum) == 0 else {
            throw .fftUnavailable(size: size)
        }
        return RealFFTState(size: size, time: time, spectrum: spectrum, plans: try FFTPlanCache.plans(size: size))
    }

    /// `time` → `spectrum` (unnormalised). FFTW may overwrite `time`.
    @inline(__always) public func forward() {
        fftwf_execute_dft_r2c(plans.forward, time, UnsafeMutablePointer<fftwf_complex>(OpaquePointer(spectrum)))
    }

    /// `spectrum` → `time` (unnormalised: the result is `size` times the true inverse).
    /// FFTW overwrites `spectrum`.
    @inline(__always) public func inverse() {
        fftwf_execute_dft_c2r(plans.inverse, UnsafeMutablePointer<fftwf_complex>(OpaquePointer(spectrum)), time)
    }
}

#endif

/// A real FFT with its own buffers (one block holding a `RealFFTState`'s arena); metrics use it.
public final class RealFFT {
    /// Transform length.
    public var size: Int { state.size }
    /// Time-domain buffer, `size` floats.
    public var time: UnsafeMutablePointer<Float> { state.time }
    /// Spectrum buffer, `size/2 + 1` complex values interleaved (re, im).
    public var spectrum: UnsafeMutablePointer<Float> { state.spectrum }
    private let state: RealFFTState
    private let memory: UnsafeMutableRawPointer

    /// Allocates the buffers for `size` and looks up (or makes) the shared plans.
    /// - Throws: `HushError.fftUnavailable` if FFTW cannot plan.
    public init(size: Int) throws(HushError) {
        guard size >= 2, size <= 1 << 24 else { throw .fftUnavailable(size: size) }
        let block = try Arena.allocating { (arena: inout Arena) throws(HushError) in
            try RealFFTState.carve(size: size, in: &arena)
        }
        guard let carved = block.result else {
            block.memory.deallocate()
            throw .fftUnavailable(size: size)
        }
        (memory, state) = (block.memory, carved)
    }

    deinit { memory.deallocate() }

    /// `time` → `spectrum` (unnormalised). FFTW may overwrite `time`.
    @inline(__always) public func forward() { state.forward() }

    /// `spectrum` → `time` (unnormalised: the result is `size` times the true inverse).
    /// FFTW overwrites `spectrum`.
    @inline(__always) public func inverse() { state.inverse() }
}
