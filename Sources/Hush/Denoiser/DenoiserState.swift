/// A whole denoiser (streaming STFT + gated network) in one block of caller memory, referencing
/// a `ModelImage` that must outlive it: what `hush_init` builds and a `hush_state *` points to.
///
/// Layout (carved by `place`, the one place its size is decided): this handle, the STFT state
/// and its buffers, the FFT buffers, the network state, its scratch and its causal histories.
/// Everything is plain memory (pointers and scalars; FFTW's plans are process-wide, shared per
/// FFT size), so there is nothing to deinitialise: releasing the block ends the state.
/// Nothing here allocates after `place`, and `place` itself allocates nothing once the FFT plans
/// for the model's frame length exist in the process (the first init per size plans them).
public struct DenoiserState {
    /// Marks a live state (the C API checks it on `hush_state *` arguments, best effort).
    public static let liveTag: UInt64 = 0x4855_5348_4C49_5645  // "HUSHLIVE"
    /// `liveTag` while the state is live; the C API clears it on destroy.
    public var tag: UInt64
    /// The block `hush_create` allocated for model and state together (freed by `hush_destroy`),
    /// or nil for a state in caller memory.
    public var ownedMemory: UnsafeMutableRawPointer?
    /// The model the state runs.
    public let model: UnsafePointer<ModelImage>
    /// The streaming STFT.
    public let stft: UnsafeMutablePointer<STFTState>
    /// The network.
    public let network: UnsafeMutablePointer<NetworkState>

    /// Carves a denoiser over `model` (architecture `shape`, dilations `dilations`; read only when
    /// the arena can be written) at `budget` (nil: the model's default) and initialises it when
    /// the arena can be written.
    /// - Throws: `HushError.invalidConfiguration` for a bad budget, `.fftUnavailable`.
    public static func place(model: UnsafePointer<ModelImage>, shape: ModelShape,
                             dilations: UnsafePointer<Int>, budget: Float?,
                             in arena: inout Arena) throws(HushError) -> UnsafeMutablePointer<DenoiserState> {
        let state = arena.take(DenoiserState.self, count: 1, for: .stft)
        let stft = try STFTState.place(configuration: shape.stft, in: &arena)
        let network = try NetworkState.place(model: model, shape: shape, dilations: dilations,
                                             budget: budget, in: &arena)
        if arena.canWrite {
            state.initialize(to: DenoiserState(tag: liveTag, ownedMemory: nil, model: model,
                                               stft: stft, network: network))
        }
        return state
    }

    /// Bytes `initialize(memory:size:model:budget:)` needs (any alignment of the memory).
    public static func requiredBytes(model: UnsafePointer<ModelImage>) -> Int {
        var arena = Arena.measuring()
        _ = try? place(model: model, shape: model.pointee.shape, dilations: model.pointee.dilations,
                       budget: 1, in: &arena)
        return Arena.requiredSize(measured: arena.used)
    }

    /// Builds a denoiser over the loaded `model` in `size` bytes at `memory` and returns its
    /// handle, inside that memory.
    /// - Throws: `HushError.bufferTooSmall` (in bytes) when `size < requiredBytes(model:)`,
    ///   before writing anything; `.invalidConfiguration` for a bad budget; `.fftUnavailable`.
    public static func initialize(memory: UnsafeMutableRawPointer, size: Int, model: UnsafePointer<ModelImage>,
                                  budget: Float?) throws(HushError) -> UnsafeMutablePointer<DenoiserState> {
        let needed = requiredBytes(model: model)
        guard size >= needed else { throw .bufferTooSmall(needed: needed, given: size) }
        if let b = budget, !(b > 0 && b <= 1) { throw .invalidConfiguration("budget \(b) outside (0, 1]") }
        var arena = Arena(memory: memory, size: size)
        return try place(model: model, shape: model.pointee.shape, dilations: model.pointee.dilations,
                         budget: budget, in: &arena)
    }

    /// Pushes samples and writes the completed output samples (`STFTState.process`, each frame
    /// through the network).
    public func process(_ input: UnsafeBufferPointer<Float>,
                        into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        let network = self.network
        return try stft.pointee.process(input, into: output) { network.pointee.process(spectrum: $0, bins: $1) }
    }

    /// Ends the stream, writing every sample still held (`STFTState.finish`).
    public func finish(into output: UnsafeMutableBufferPointer<Float>) throws(HushError) -> Int {
        let network = self.network
        return try stft.pointee.finish(into: output) { network.pointee.process(spectrum: $0, bins: $1) }
    }

    /// Starts a new stream: clears every buffer and the network's history.
    public func reset() {
        stft.pointee.reset()
        network.pointee.reset()
    }

    /// Frames processed since creation or the last reset.
    public var framesProcessed: Int { stft.pointee.outputSampleCount / stft.pointee.configuration.hop }
}

extension DenoiserState {
    /// Bytes a state for the model in `file` needs, without loading the model (the architecture
    /// is read from the checked file). Allocates nothing.
    public static func requiredBytes(file: ModelFile) throws(HushError) -> Int {
        let shape = try ModelImage.shape(of: file)
        // At most 64 blocks (checked by `shape(of:)`): the dilations fit a small stack buffer.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { dilations in
            for i in 0..<shape.blocks {
                dilations[i] = (try? file.int(ModelKey("block.", i, ".dilation"), in: 1...1024)) ?? 1
            }
            var arena = Arena.measuring()
            // A placeholder model: a measuring arena never reads it.
            let model = UnsafePointer<ModelImage>(bitPattern: UInt(Arena.alignment))!
            _ = try? place(model: model, shape: shape, dilations: dilations.baseAddress!, budget: 1, in: &arena)
            return Arena.requiredSize(measured: arena.used)
        }
    }
}
