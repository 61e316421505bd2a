/// The bytes a denoiser holds, part by part. It is not a formula: it is what the arena measured
/// while running the very carving code that lays out the model (`ModelImage.carve`) and a
/// denoiser state (`DenoiserState.place`), so it always agrees with what an init takes
/// (`hush_model_get_size` + `hush_state_get_size` = `total` + 2 × realignment slack).
/// Every carve-out is 64-byte aligned; its padding counts for the part that carved it.
public struct MemoryFootprint: Sendable, Equatable {
    /// Weights in the engine's layout, the dilation and block tables, the model's handle
    /// (read-only after load: flash or external RAM on a device).
    public var weights = 0
    /// The network's causal state: each block's history of u, `(K−1)·d + 1` frames × C.
    public var networkState = 0
    /// Per-frame scratch of the network: features, residual, gate hidden layer and scores,
    /// active-index lists and selection hints, compact u/v, the block output, mask, tap pointers,
    /// per-block bookkeeping and totals, and the network's state struct.
    public var networkScratch = 0
    /// STFT state: analysis and synthesis windows, the input frame, the overlap-add accumulator,
    /// the flush hop, the STFT's and the denoiser's state structs.
    public var stft = 0
    /// FFT buffers: the time frame and the half spectrum (FFTW's shared plans are not per state).
    public var fftBuffers = 0

    /// All zero.
    public init() {}

    /// The footprint of one model plus one denoiser state over configuration `c`, measured by
    /// the carving code itself.
    public init(configuration c: ModelConfiguration) {
        // Two arenas, as the C API uses two blocks (the model's and the state's).
        var modelArena = Arena.measuring()
        var stateArena = Arena.measuring()
        let shape = c.shape
        c.dilations.withUnsafeBufferPointer { dilations in
            let model = ModelImage.carve(shape, in: &modelArena)
            // Budget 1 is always valid; sizes do not depend on the budget.
            _ = try? DenoiserState.place(model: model, shape: shape, dilations: dilations.baseAddress!,
                                         budget: 1, in: &stateArena)
        }
        self = modelArena.footprint
        networkState = stateArena.footprint.networkState
        networkScratch = stateArena.footprint.networkScratch
        stft = stateArena.footprint.stft
        fftBuffers = stateArena.footprint.fftBuffers
    }

    /// Bytes of the model's arena (weights).
    public var model: Int { weights }
    /// Bytes of one denoiser state's arena (everything but the weights).
    public var state: Int { networkState + networkScratch + stft + fftBuffers }
    /// Bytes the engine's own buffers take.
    public var total: Int { weights + networkState + networkScratch + stft + fftBuffers }

    mutating func add(_ bytes: Int, to part: Arena.Part) {
        switch part {
        case .weights: weights += bytes
        case .networkState: networkState += bytes
        case .networkScratch: networkScratch += bytes
        case .stft: stft += bytes
        case .fft: fftBuffers += bytes
        }
    }
}
