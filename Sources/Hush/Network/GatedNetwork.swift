/// Which kernel implementations a network runs.
public enum KernelChoice: Sendable {
    /// The optimised kernels (the default).
    case fast
    /// The plain reference kernels, which also count every multiply-accumulate one by one.
    case reference
}

/// Per-layer timing of the network's own frame code, for profiles: the caller brings the clock
/// (the core knows none) and the totals, one per `Layer`, in nanoseconds.
public struct LayerTimer {
    /// The parts of one frame, in the order they run (the block parts once per block).
    public enum Layer: Int, CaseIterable, Sendable {
        /// Log-power features of the spectrum.
        case features
        /// The 1×1 front-end and its ReLU.
        case frontEnd
        /// Each block's gate: R → G → C.
        case gates
        /// Choosing the active channels from the gate scores (threshold and cap).
        case selection
        /// The fused per-channel path: pw1 row, PReLU, depthwise, PReLU, pw2 row (active only).
        case gatedChannels
        /// History ring and output setup, the residual add and the statistics of each block.
        case blockBookkeeping
        /// The 1×1 back-end.
        case backEnd
        /// Sigmoid, gain floor and applying the mask.
        case mask
    }

    /// Returns a monotonic time in nanoseconds.
    public let clock: @convention(c) () -> UInt64
    /// `Layer.allCases.count` totals, nanoseconds.
    public let nanoseconds: UnsafeMutablePointer<UInt64>

    /// Adds the time since `start` to `layer` and restarts the lap (nothing without a timer).
    @inline(__always)
    static func lap(_ timer: LayerTimer?, _ layer: Layer, since start: inout UInt64) {
        guard let timer else { return }
        let now = timer.clock()
        timer.nanoseconds[layer.rawValue] &+= now &- start
        start = now
    }

    /// A timer adding to `nanoseconds` with `clock`.
    public init(clock: @convention(c) () -> UInt64, nanoseconds: UnsafeMutablePointer<UInt64>) {
        self.clock = clock
        self.nanoseconds = nanoseconds
    }
}

/// Whether the gates run.
public enum Gating: Sendable {
    /// Gates choose the active channels each frame, capped by the budget (normal operation).
    case dynamic
    /// No gates: every channel of every block is computed. This is the dense network the MAC
    /// saving is measured against; it exists for benchmarks and is not what the model was trained
    /// to run (its output differs from the gated network's).
    case denseUngated
}

/// The gated convolutional network's state (training/FORMAT.md, "The network"): a plain struct
/// of pointers and scalars whose buffers are carved from an arena (`place`), referencing a
/// `ModelImage` that must outlive it. The frame code lives here, once; `GatedNetwork` owns one.
///
/// Per frame: features → front-end → for each block: gate scores, budget-capped active set, then
/// pw1 rows, depthwise taps and pw2 columns of the active channels only → back-end mask → masked
/// spectrum. An inactive channel's weights are never read. All state (the causal histories) and
/// scratch live in buffers sized from the model at creation; a frame allocates nothing.
public struct NetworkState {
    /// Kernels in use.
    public let kernels: KernelChoice
    /// Whether the gates run.
    public let gating: Gating
    /// Statistics of the last frame run.
    public private(set) var lastFrame: FrameStatistics

    let config: ModelShape
    /// The model's tensor pointers (a copy of its handle; the weights stay in the model's arena).
    let model: ModelImage
    /// The model's per-block weight table (in the model's arena), indexed as plain memory.
    let blocks: UnsafeMutablePointer<ModelImage.BlockWeights>
    var cap: Int
    var budgetValue: Float
    var attenuationLimitValue: Float
    var gainFloor: Float
    var frameIndex = 0
    var referenceMACs = 0
    /// The speech-activity head's smoothed logit, z̄ (FORMAT.md); starts at `vad.bias`.
    var speechLogit: Float

    // Workspace, carved from the arena, sized at creation.
    let features: UnsafeMutablePointer<Float>   // [F]
    let residual: UnsafeMutablePointer<Float>   // [R]
    let gateHidden: UnsafeMutablePointer<Float> // [G]
    let scores: UnsafeMutablePointer<Float>     // [B, C]: kept per block for inspection
    let active: UnsafeMutablePointer<Int32>     // [B, C]: active lists per block
    let activeCounts: UnsafeMutablePointer<Int> // [B]
    let selectionHints: UnsafeMutablePointer<Int32> // [B]: where each block's selection ended
    let compactU: UnsafeMutablePointer<Float>   // [C]: reference kernels' scratch
    let compactV: UnsafeMutablePointer<Float>   // [C]: reference kernels' scratch
    let blockOutput: UnsafeMutablePointer<Float> // [R]: pw2's sum before the residual add
    let maskBuffer: UnsafeMutablePointer<Float> // [F]
    let tapPointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>> // [K]
    let allHiddenUnits: UnsafeMutablePointer<Int32> // [G]: 0, 1, …, G−1
    /// Per block, the causal history of u: `slots[i]` frames × C, frame t in slot t mod slots[i].
    let histories: UnsafeMutablePointer<Float>
    let historyOffsets: UnsafeMutablePointer<Int> // [B]
    let historySlots: UnsafeMutablePointer<Int>   // [B]
    let historyCount: Int
    // Running totals.
    let fractionSum: UnsafeMutablePointer<Double> // [B]
    let fractionMin: UnsafeMutablePointer<Float>  // [B]
    let fractionMax: UnsafeMutablePointer<Float>  // [B]
    var totalFrames = 0
    var totalExecuted = 0

    /// Carves a network over `model` (whose architecture is `shape`, block dilations
    /// `dilations`) at `budget` (nil: the model's default) from `arena`, and initialises it when
    /// the arena can be written; returns a placeholder over a measuring or overflowed arena.
    /// `model` is only read when the arena can be written.
    /// - Throws: `HushError.invalidConfiguration` for a budget outside (0, 1].
    public static func place(model: UnsafePointer<ModelImage>, shape config: ModelShape,
                             dilations: UnsafePointer<Int>, budget: Float? = nil,
                             kernels: KernelChoice = .fast, gating: Gating = .dynamic,
                             in arena: inout Arena) throws(HushError) -> UnsafeMutablePointer<NetworkState> {
        let b = budget ?? config.defaultBudget
        guard b > 0, b <= 1 else { throw .invalidConfiguration("budget \(b) outside (0, 1]") }
        let (R, C, G, K, F, B) = (config.residualChannels, config.convChannels, config.gateRank,
                                  config.kernelSize, config.bins, config.blocks)
        func take<T>(_ type: T.Type, _ count: Int) -> UnsafeMutablePointer<T> {
            arena.take(type, count: count, for: .networkScratch)
        }
        let state = take(NetworkState.self, 1)
        let features = take(Float.self, F)
        let residual = take(Float.self, R)
        let gateHidden = take(Float.self, G)
        let scores = take(Float.self, B * C)
        let active = take(Int32.self, B * C)
        let activeCounts = take(Int.self, B)
        let selectionHints = take(Int32.self, B)
        let compactU = take(Float.self, C)
        let compactV = take(Float.self, C)
        let blockOutput = take(Float.self, R)
        let maskBuffer = take(Float.self, F)
        let tapPointers = take(UnsafeMutablePointer<Float>.self, K)
        let allHiddenUnits = take(Int32.self, G)
        let historyOffsets = take(Int.self, B)
        let historySlots = take(Int.self, B)
        let fractionSum = take(Double.self, B)
        let fractionMin = take(Float.self, B)
        let fractionMax = take(Float.self, B)
        var offset = 0
        for i in 0..<B { offset += ((K - 1) * dilations[i] + 1) * C }
        let histories = arena.take(Float.self, count: offset, for: .networkState)
        guard arena.canWrite else { return state }

        for g in 0..<G { (allHiddenUnits + g).initialize(to: Int32(g)) }
        offset = 0
        for i in 0..<B {
            historyOffsets[i] = offset
            historySlots[i] = (K - 1) * dilations[i] + 1
            offset += historySlots[i] * C
        }
        features.initialize(repeating: 0, count: F)
        residual.initialize(repeating: 0, count: R)
        gateHidden.initialize(repeating: 0, count: G)
        scores.initialize(repeating: 0, count: B * C)
        active.initialize(repeating: 0, count: B * C)
        activeCounts.initialize(repeating: 0, count: B)
        selectionHints.initialize(repeating: 0, count: B)
        compactU.initialize(repeating: 0, count: C)
        compactV.initialize(repeating: 0, count: C)
        blockOutput.initialize(repeating: 0, count: R)
        maskBuffer.initialize(repeating: 1, count: F)
        tapPointers.initialize(repeating: histories, count: K)
        histories.initialize(repeating: 0, count: offset)
        fractionSum.initialize(repeating: 0, count: B)
        fractionMin.initialize(repeating: .infinity, count: B)
        fractionMax.initialize(repeating: 0, count: B)
        state.initialize(to: NetworkState(
            kernels: kernels, gating: gating,
            lastFrame: FrameStatistics(executedMACs: 0, denseMACs: config.denseMACsPerFrame, activeFraction: 0),
            config: config, model: model.pointee, blocks: model.pointee.blocks,
            cap: config.channelCap(budget: b), budgetValue: b,
            attenuationLimitValue: config.attenuationLimit,
            gainFloor: ModelShape.gainFloor(attenuationLimit: config.attenuationLimit),
            speechLogit: model.pointee.speechBias,
            features: features, residual: residual, gateHidden: gateHidden, scores: scores,
            active: active, activeCounts: activeCounts, selectionHints: selectionHints,
            compactU: compactU, compactV: compactV, blockOutput: blockOutput, maskBuffer: maskBuffer,
            tapPointers: tapPointers, allHiddenUnits: allHiddenUnits, histories: histories,
            historyOffsets: historyOffsets, historySlots: historySlots, historyCount: offset,
            fractionSum: fractionSum, fractionMin: fractionMin, fractionMax: fractionMax))
        return state
    }

    /// The budget b: each gated block computes at most ceil(b·C) channels. Takes effect at the
    /// next frame; changing it mid-stream keeps every history consistent.
    public var budget: Float { budgetValue }

    /// Sets the budget.
    /// - Throws: `HushError.invalidConfiguration` unless 0 < b ≤ 1 (NaN included).
    public mutating func setBudget(_ b: Float) throws(HushError) {
        guard b > 0, b <= 1 else { throw .invalidConfiguration("budget \(b) outside (0, 1]") }
        budgetValue = b
        cap = config.channelCap(budget: b)
    }

    /// The channel cap in force, ceil(b·C).
    public var channelCap: Int { cap }

    /// The attenuation limit in dB (`.infinity`: none): the gain applied to each bin is
    /// `floor + (1 − floor)·mask` with `floor = 10^(−limit/20)`, so no bin loses more than the
    /// limit, and the mask itself is left as the network computed it. Starts at the model's.
    public var attenuationLimit: Float { attenuationLimitValue }

    /// Sets the attenuation limit in dB, from the next frame on; `.infinity` removes it.
    /// - Throws: `HushError.invalidConfiguration` unless the limit is > 0 (NaN included).
    public mutating func setAttenuationLimit(_ dB: Float) throws(HushError) {
        guard dB > 0 else { throw .invalidConfiguration("attenuation limit \(dB) dB is not > 0") }
        attenuationLimitValue = dB
        gainFloor = ModelShape.gainFloor(attenuationLimit: dB)
    }

    /// The mask of the last frame, `bins` values in (0, 1).
    public var lastMask: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: maskBuffer, count: config.bins) }

    /// The amplitude gain the last frame applied to the bins in `range` (clamped to the model's
    /// bins) taken together: `sqrt(Σ gain²·|X|² / Σ |X|²)`, with each bin's gain
    /// `floor + (1 − floor)·mask` and |X|² from the frame's log-power features; 1 for an empty
    /// range. Weighting by energy makes it the fraction of the band's energy the frame kept, which
    /// is what `DenoisePipeline`'s full band carries over to the band above the model's.
    public func lastBandGain(bins range: Range<Int>) -> Float {
        var kept: Float = 0
        var total: Float = 0
        for f in range.clamped(to: 0..<config.bins) {
            let power = LibM.exp(features[f])
            let gain = gainFloor + (1 - gainFloor) * maskBuffer[f]
            kept += gain * gain * power
            total += power
        }
        return total > 0 ? (kept / total).squareRoot() : 1
    }

    /// The active channels of block `i` in the last frame, ascending.
    public func lastActiveChannels(block i: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: active + i * config.convChannels, count: activeCounts[i])
    }

    /// The gate scores of block `i` in the last frame.
    public func lastScores(block i: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: scores + i * config.convChannels, count: config.convChannels)
    }

    /// Totals since creation or the last reset (allocates its arrays: not for the frame loop).
    public var totals: NetworkTotals {
        let B = config.blocks
        return NetworkTotals(
            frames: totalFrames, executedMACs: totalExecuted,
            denseMACs: totalFrames * config.denseMACsPerFrame,
            activeFractionSum: Array(UnsafeBufferPointer(start: fractionSum, count: B)),
            activeFractionMin: Array(UnsafeBufferPointer(start: fractionMin, count: B)),
            activeFractionMax: Array(UnsafeBufferPointer(start: fractionMax, count: B)))
    }

    /// Clears the causal histories and the totals.
    public mutating func reset() {
        histories.update(repeating: 0, count: historyCount)
        selectionHints.update(repeating: 0, count: config.blocks)
        frameIndex = 0
        speechLogit = model.speechBias
        totalFrames = 0
        totalExecuted = 0
        let B = config.blocks
        fractionSum.update(repeating: 0, count: B)
        fractionMin.update(repeating: .infinity, count: B)
        fractionMax.update(repeating: 0, count: B)
    }

    /// Runs one frame: reads the spectrum, writes the masked spectrum. A spectrum of any other
    /// size than the model's `bins` is left untouched (`Denoiser` never hands one over).
    public mutating func process(spectrum: UnsafeMutablePointer<Float>, bins: Int) {
        process(spectrum: spectrum, bins: bins, timer: nil)
    }

    /// `process(spectrum:bins:)`, with the time of each of `LayerTimer.layers` added to `timer`
    /// (the per-layer profile of the path the engine really runs; nil: no clock is read).
    public mutating func process(spectrum: UnsafeMutablePointer<Float>, bins: Int, timer: LayerTimer?) {
        guard bins == config.bins else { return }
        switch config.weightFormat {
        case .float32: runFrame(Float.self, spectrum: spectrum, timer: timer)
        case .int8: runFrame(Int8.self, spectrum: spectrum, timer: timer)
        }
    }

    /// One frame with weight matrices of element type `W` (the model's `weightFormat`).
    @inline(__always)
    private mutating func runFrame<W: KernelWeight>(_: W.Type, spectrum: UnsafeMutablePointer<Float>,
                                                    timer: LayerTimer?) {
        let (R, C, G, K, F) = (config.residualChannels, config.convChannels, config.gateRank,
                               config.kernelSize, config.bins)
        // A static function with an inout start, not a closure: capturing the start would box it
        // on the heap, and the frame loop allocates nothing.
        var lapStart = timer?.clock() ?? 0
        switch kernels {
        case .fast: FastKernels.logPower(spectrum, bins: F, floor: config.featureFloor, into: features)
        case .reference:
            ReferenceKernels.logPower(spectrum, bins: F, floor: config.featureFloor, into: features)
        }
        LayerTimer.lap(timer, .features, since: &lapStart)
        var executed = 0
        referenceMACs = 0
        matVec(model.frontendWeight, W.self, rows: R, cols: F, features, model.frontendBias, residual)
        executed += R * F
        relu(residual, R)
        LayerTimer.lap(timer, .frontEnd, since: &lapStart)

        var activeTotal = 0
        // The speech-activity head's logit: bias + Σ_i w[0,i]·(active fraction) + w[1,i]·(mean score).
        var speechSum = model.speechBias
        for i in 0..<config.blocks {
            let w = blocks[i]
            let list = active + i * C
            let n: Int
            if gating == .dynamic {
                // Gate: h = ReLU(W1 r + b1), s = W2 h + b2.
                let blockScores = scores + i * C
                matVec(w.gateW1, W.self, rows: G, cols: R, residual, w.gateB1, gateHidden)
                relu(gateHidden, G)
                gateScores(w.gateW2Transposed.values(W.self), w.gateB2, C, G, blockScores)
                executed += config.gateMACsPerBlock
                LayerTimer.lap(timer, .gates, since: &lapStart)
                n = ChannelSelection.select(scores: blockScores, count: C, cap: cap,
                                            hint: &selectionHints[i], into: list)
                if let v = model.speechWeight {
                    var scoreSum: Float = 0
                    for c in 0..<C { scoreSum += blockScores[c] }
                    let inverseC = 1 / Float(C)
                    speechSum += v[i] * (Float(n) * inverseC) + v[config.blocks + i] * (scoreSum * inverseC)
                }
                LayerTimer.lap(timer, .selection, since: &lapStart)
            } else {
                for c in 0..<C { list[c] = Int32(c) }
                n = C
            }
            activeCounts[i] = n
            activeTotal += n

            // u for this frame: zero for inactive channels (as in training), computed for active.
            let slots = historySlots[i]
            let base = histories + historyOffsets[i]
            let current = base + (frameIndex % slots) * C
            current.update(repeating: 0, count: C)
            // Depthwise over time: tap t reads frame index − (K−1−t)·d.
            for t in 0..<K {
                let back = (K - 1 - t) * w.dilation
                let slot = (frameIndex - back % slots + slots) % slots
                tapPointers[t] = base + slot * C
            }
            // The block's output is summed apart from its input (pw1 reads the residual).
            blockOutput.update(repeating: 0, count: R)
            LayerTimer.lap(timer, .blockBookkeeping, since: &lapStart)
            switch kernels {
            case .fast:
                FastKernels.gatedChannels(w, W.self, residualChannels: R, kernelSize: K, history: tapPointers,
                                          indices: list, count: n, residual, into: blockOutput)
            case .reference:
                ReferenceKernels.gatedChannels(w, W.self, residualChannels: R, kernelSize: K,
                                               history: tapPointers, indices: list, count: n,
                                               residual, scratchU: compactU, scratchV: compactV,
                                               into: blockOutput, macs: &referenceMACs)
            }
            LayerTimer.lap(timer, .gatedChannels, since: &lapStart)
            if let scales = w.pw2Transposed.scales {
                for r in 0..<R { residual[r] += blockOutput[r] * scales[r] + w.pw2Bias[r] }
            } else {
                for r in 0..<R { residual[r] += blockOutput[r] + w.pw2Bias[r] }
            }
            executed += n * config.macsPerActiveChannel

            let fraction = Float(n) / Float(C)
            fractionSum[i] += Double(fraction)
            fractionMin[i] = min(fractionMin[i], fraction)
            fractionMax[i] = max(fractionMax[i], fraction)
            LayerTimer.lap(timer, .blockBookkeeping, since: &lapStart)
        }

        matVec(model.backendWeight, W.self, rows: F, cols: R, residual, model.backendBias, maskBuffer)
        executed += F * R
        LayerTimer.lap(timer, .backEnd, since: &lapStart)
        switch kernels {
        case .fast: FastKernels.sigmoidMask(maskBuffer, bins: F, gainFloor: gainFloor, applyingTo: spectrum)
        case .reference:
            ReferenceKernels.sigmoidMask(maskBuffer, bins: F, gainFloor: gainFloor, applyingTo: spectrum)
        }

        LayerTimer.lap(timer, .mask, since: &lapStart)
        if kernels == .reference { executed = referenceMACs }
        var speechProbability: Float = -1
        if model.speechWeight != nil, gating == .dynamic {
            let alpha = model.speechSmoothing
            speechLogit = alpha * speechLogit + (1 - alpha) * speechSum
            speechProbability = 1 / (1 + LibM.exp(-speechLogit))
        }
        frameIndex += 1
        totalFrames += 1
        totalExecuted += executed
        lastFrame = FrameStatistics(
            executedMACs: executed, denseMACs: config.denseMACsPerFrame,
            activeFraction: Float(activeTotal) / Float(C * config.blocks),
            speechProbability: speechProbability)
    }

    /// The executed-MAC count of the last frame as the reference kernels counted it, one by one
    /// (zero with fast kernels). Tests compare it with `lastFrame.executedMACs`.
    public var lastReferenceCount: Int { referenceMACs }

    // MARK: kernel dispatch

    @inline(__always)
    private mutating func matVec<W: KernelWeight>(_ m: ModelImage.Matrix, _: W.Type, rows: Int, cols: Int,
                                                  _ x: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                                                  _ y: UnsafeMutablePointer<Float>) {
        let w = m.values(W.self)
        switch kernels {
        case .fast: FastKernels.matVec(w, rows: rows, cols: cols, x, scales: m.scales, bias: b, into: y)
        case .reference:
            ReferenceKernels.matVec(w, rows: rows, cols: cols, x, scales: m.scales, bias: b, into: y,
                                    macs: &referenceMACs)
        }
    }

    @inline(__always)
    private mutating func scatterAccumulate<W: KernelWeight>(_ wT: UnsafeMutablePointer<W>, cols: Int,
                                   _ list: UnsafeMutablePointer<Int32>, _ n: Int,
                                   _ v: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        switch kernels {
        case .fast: FastKernels.scatterAccumulate(wT, cols: cols, indices: list, count: n, v, into: out)
        case .reference:
            ReferenceKernels.scatterAccumulate(wT, cols: cols, indices: list, count: n, v, into: out,
                                               macs: &referenceMACs)
        }
    }

    /// s = b2 + W2·h computed as b2 + Σ_g h[g]·W2ᵀ[g, :], so that each step is a long
    /// contiguous SIMD row instead of C short dot products of length G.
    @inline(__always)
    private mutating func gateScores<W: KernelWeight>(_ w2T: UnsafeMutablePointer<W>, _ b2: UnsafeMutablePointer<Float>,
                            _ channels: Int, _ rank: Int, _ s: UnsafeMutablePointer<Float>) {
        s.update(from: b2, count: channels)
        scatterAccumulate(w2T, cols: channels, allHiddenUnits, rank, gateHidden, s)
    }

    /// Branch-free on purpose: the sign of a pre-activation is a coin flip, and a branch on it
    /// mispredicts about every other channel.
    @inline(__always)
    private func relu(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { x[i] = max(x[i], 0) }
    }
}

/// The gated convolutional network as a spectral stage: a thin owner of one block holding a
/// `NetworkState` (which see), over a `Model` it keeps alive.
public final class GatedNetwork: SpectralStage {
    /// The weights and architecture.
    public let model: Model
    private let state: UnsafeMutablePointer<NetworkState>
    private let memory: UnsafeMutableRawPointer

    /// Creates a network over `model` at `budget` (default: the model's), with its own state.
    /// - Throws: `HushError.invalidConfiguration` for a budget outside (0, 1].
    public init(model: Model, budget: Float? = nil, kernels: KernelChoice = .fast,
                gating: Gating = .dynamic) throws(HushError) {
        self.model = model
        let image = UnsafePointer(model.image)
        let shape = image.pointee.shape
        let dilations = UnsafePointer(image.pointee.dilations)
        let block = try Arena.allocating { (arena: inout Arena) throws(HushError) in
            try NetworkState.place(model: image, shape: shape, dilations: dilations, budget: budget,
                                   kernels: kernels, gating: gating, in: &arena)
        }
        (memory, state) = (block.memory, block.result)
    }

    deinit { memory.deallocate() }

    /// Kernels in use.
    public var kernels: KernelChoice { state.pointee.kernels }
    /// Whether the gates run.
    public var gating: Gating { state.pointee.gating }
    /// Statistics of the last frame run.
    public var lastFrame: FrameStatistics { state.pointee.lastFrame }
    /// The budget b (`NetworkState.budget`).
    public var budget: Float { state.pointee.budget }
    /// Sets the budget, from the next frame on.
    /// - Throws: `HushError.invalidConfiguration` unless 0 < b ≤ 1 (NaN included).
    public func setBudget(_ b: Float) throws(HushError) { try state.pointee.setBudget(b) }
    /// The channel cap in force, ceil(b·C).
    public var channelCap: Int { state.pointee.channelCap }
    /// The attenuation limit in dB (`NetworkState.attenuationLimit`).
    public var attenuationLimit: Float { state.pointee.attenuationLimit }
    /// Sets the attenuation limit in dB, from the next frame on; `.infinity` removes it.
    /// - Throws: `HushError.invalidConfiguration` unless the limit is > 0 (NaN included).
    public func setAttenuationLimit(_ dB: Float) throws(HushError) { try state.pointee.setAttenuationLimit(dB) }
    /// The mask of the last frame, `bins` values in (0, 1).
    public var lastMask: UnsafeBufferPointer<Float> { state.pointee.lastMask }
    /// The gain the last frame applied to `range` as a whole (`NetworkState.lastBandGain(bins:)`).
    public func lastBandGain(bins range: Range<Int>) -> Float { state.pointee.lastBandGain(bins: range) }
    /// The active channels of block `i` in the last frame, ascending.
    public func lastActiveChannels(block i: Int) -> UnsafeBufferPointer<Int32> {
        state.pointee.lastActiveChannels(block: i)
    }
    /// The gate scores of block `i` in the last frame.
    public func lastScores(block i: Int) -> UnsafeBufferPointer<Float> { state.pointee.lastScores(block: i) }
    /// Totals since creation or the last reset (allocates its arrays: not for the frame loop).
    public var totals: NetworkTotals { state.pointee.totals }
    /// Clears the causal histories and the totals.
    public func reset() { state.pointee.reset() }
    /// Runs one frame: reads the spectrum, writes the masked spectrum.
    public func process(spectrum: UnsafeMutablePointer<Float>, bins: Int) {
        state.pointee.process(spectrum: spectrum, bins: bins)
    }
    /// Runs one frame, adding each layer's time to `timer` (see `LayerTimer`).
    public func process(spectrum: UnsafeMutablePointer<Float>, bins: Int, timer: LayerTimer) {
        state.pointee.process(spectrum: spectrum, bins: bins, timer: timer)
    }
    /// The model's framing: the only one the network can run in.
    public var requiredConfiguration: STFTConfiguration? { model.configuration.stft }
    /// The executed-MAC count of the last frame as the reference kernels counted it (see
    /// `NetworkState.lastReferenceCount`).
    public var lastReferenceCount: Int { state.pointee.lastReferenceCount }
}
