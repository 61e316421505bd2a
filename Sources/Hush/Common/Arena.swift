/// A bump allocator over one block of caller memory, in RNNoise's spirit: every buffer of the
/// engine (weights, state, scratch) is carved from it at init, 64-byte aligned, and nothing is
/// ever freed piecemeal: the owner frees (or simply forgets) the whole block.
///
/// The same carving code runs twice: once over a *measuring* arena, which only counts bytes, to
/// answer a size query (`hush_model_get_size`, `hush_state_get_size`, `MemoryFootprint`), and
/// once over the real memory. Sizes are therefore decided in exactly one place, the `carve`/
/// `place` functions of the state structs, and the query can never disagree with the init.
///
/// Rules for carving code: take every buffer first, then write only when `canWrite` is true. A
/// measuring arena, or a real one that ran out of room, hands out placeholder pointers that must
/// never be dereferenced; once an arena has overflowed it stays overflowed, so a write guarded by
/// `canWrite` always lands inside memory that was carved in bounds.
public struct Arena {
    /// Alignment of every carve-out, and of the block itself after internal realignment: a cache
    /// line, enough for any SIMD load and for FFTW's alignment requirements.
    public static let alignment = 64

    /// What a carve-out is for, so that a measurement also yields the memory map by part.
    public enum Part: Sendable {
        /// Weights in the engine's layout and their tables (read-only after load).
        case weights
        /// The network's causal state (histories).
        case networkState
        /// The network's per-frame scratch and bookkeeping, its state struct included.
        case networkScratch
        /// Streaming STFT state (windows, frame, overlap-add, flush hop), the denoiser's handle.
        case stft
        /// FFT buffers.
        case fft
    }

    /// Aligned start of the usable memory; nil for a measuring arena.
    private let base: UnsafeMutableRawPointer?
    /// Usable bytes from `base`.
    private let capacity: Int
    /// Bytes carved so far, padding included (the measurement).
    public private(set) var used = 0
    /// True once a carve-out did not fit (real arenas only).
    public private(set) var overflowed = false
    /// `used`, split by part (padding counts for the part that carved after it).
    public private(set) var footprint = MemoryFootprint()

    /// An arena that only counts: every carve-out succeeds, nothing may be written.
    public static func measuring() -> Arena { Arena(base: nil, capacity: Int.max) }

    private init(base: UnsafeMutableRawPointer?, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// An arena over `size` bytes at `memory`, of any alignment: the start is rounded up to
    /// `alignment`, which costs at most `alignment − 1` bytes (`requiredSize` includes them).
    public init(memory: UnsafeMutableRawPointer, size: Int) {
        let address = UInt(bitPattern: memory)
        let pad = Int((UInt(Self.alignment) &- address % UInt(Self.alignment)) % UInt(Self.alignment))
        if size >= pad {
            self.init(base: memory + pad, capacity: size - pad)
        } else {
            self.init(base: memory + 0, capacity: 0)
            overflowed = true
        }
    }

    /// Bytes a caller must provide for a layout that measured `measured` bytes: the measurement
    /// plus the worst-case realignment of an arbitrarily aligned block.
    public static func requiredSize(measured: Int) -> Int { measured + alignment - 1 }

    /// True when carved pointers point into real memory and may be written.
    public var canWrite: Bool { base != nil && !overflowed }

    /// True for a measuring arena.
    public var isMeasuring: Bool { base == nil }

    /// Carves `count` values of `T`, aligned to `alignment`, and accounts them to `part`.
    /// The memory is uninitialised: the caller initialises it (when `canWrite`).
    public mutating func take<T>(_ type: T.Type, count: Int, for part: Part) -> UnsafeMutablePointer<T> {
        precondition(MemoryLayout<T>.alignment <= Self.alignment)
        let start = (used + Self.alignment - 1) / Self.alignment * Self.alignment
        let (bytes, o1) = max(count, 0).multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        let (end, o2) = start.addingReportingOverflow(bytes)
        if o1 || o2 || end > capacity {
            overflowed = true
            return Self.placeholder()
        }
        footprint.add(end - used, to: part)
        used = end
        guard let base, !overflowed else { return Self.placeholder() }
        return (base + start).bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// Measures `carve`, allocates one block of the size it needs, and runs `carve` again over
    /// that block: how the Swift-facing owners (`RealFFT`, `StreamingSTFT`, `GatedNetwork`) get
    /// their state. If the second run throws, the block is freed; otherwise the caller owns it.
    static func allocating<T>(_ carve: (inout Arena) throws(HushError) -> T)
        throws(HushError) -> (memory: UnsafeMutableRawPointer, result: T) {
        var measure = Arena.measuring()
        _ = try carve(&measure)
        let bytes = requiredSize(measured: measure.used)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment)
        var arena = Arena(memory: memory, size: bytes)
        do {
            return (memory, try carve(&arena))
        } catch {
            memory.deallocate()
            throw error
        }
    }

    /// A well-aligned, never dereferenced pointer for measuring or overflowed arenas.
    private static func placeholder<T>() -> UnsafeMutablePointer<T> {
        UnsafeMutablePointer<T>(bitPattern: UInt(alignment))!
    }
}
