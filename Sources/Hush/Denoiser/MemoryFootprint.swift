/// The bytes a denoiser holds, part by part, computed from the model's architecture with the
/// same sizes the initialisers allocate (`Model`, `GatedNetwork`, `StreamingSTFT`, `RealFFT`).
/// The C API's `hush_get_size` and the firmware notes' memory map are built on it; a test checks
/// it against what a counting allocator sees.
public struct MemoryFootprint: Sendable, Equatable {
    /// Weights in the engine's layout (read-only after load: flash on a device).
    public var weights: Int
    /// The network's causal state: each block's history of u, `(K−1)·d + 1` frames × C.
    public var networkState: Int
    /// Per-frame scratch of the network: features, residual, gate hidden layer and scores,
    /// active-index lists, compact u/v, the block output, mask, tap pointers, per-block bookkeeping and totals.
    public var networkScratch: Int
    /// STFT state: analysis and synthesis windows, the input frame, the overlap-add accumulator,
    /// the flush hop.
    public var stft: Int
    /// FFT buffers: the time frame and the half spectrum (FFTW's plans come on top).
    public var fftBuffers: Int

    /// The footprint of one denoiser over a model with configuration `c`.
    public init(configuration c: ModelConfiguration) {
        let float = MemoryLayout<Float>.stride
        let (R, C, G, K, F, B) = (c.residualChannels, c.convChannels, c.gateRank, c.kernelSize,
                                  c.bins, c.blocks)
        let n = c.stft.frameLength
        weights = c.weightCount * float
            + B * MemoryLayout<Model.BlockWeights>.stride
        let historyFrames = c.dilations.reduce(0) { $0 + (K - 1) * $1 + 1 }
        networkState = historyFrames * C * float
        networkScratch = B * MemoryLayout<Model.BlockWeights>.stride
            + (F + 2 * R + G + B * C + 2 * C + F) * float       // features … mask
            + (B * C + B) * MemoryLayout<Int32>.stride           // active lists, selection hints
            + 3 * B * MemoryLayout<Int>.stride                   // counts, history offsets, slots
            + K * MemoryLayout<UnsafeMutablePointer<Float>>.stride
            + B * (MemoryLayout<Double>.stride + 2 * float)      // active-fraction totals
        stft = (4 * n + c.stft.hop) * float
        fftBuffers = (n + 2 * (n / 2 + 1)) * float
    }

    /// Bytes the engine's own buffers take.
    public var total: Int { weights + networkState + networkScratch + stft + fftBuffers }
}
