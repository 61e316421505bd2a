/// The cost and channel activity of the last frame the network ran.
public struct FrameStatistics: Sendable, Equatable {
    /// Multiply-accumulates executed, gates included, counted where the work was done.
    public var executedMACs: Int
    /// Multiply-accumulates of the dense network (every channel, no gates).
    public var denseMACs: Int
    /// Active channels over all gated blocks divided by their total channels.
    public var activeFraction: Float
    /// Probability that the frame holds speech, from the model's speech-activity head over the
    /// gates (FORMAT.md, "Speech-activity head"), in (0, 1); −1 when unavailable: the model has no
    /// head, the gates do not run (`Gating.denseUngated`), or no frame has run yet.
    public var speechProbability: Float = -1

    /// `executedMACs / denseMACs`.
    public var executedRatio: Double { Double(executedMACs) / Double(denseMACs) }
}

/// Totals over the frames run since the network was created or reset.
public struct NetworkTotals: Sendable, Equatable {
    /// Frames run.
    public var frames = 0
    /// Sum of executed MACs.
    public var executedMACs = 0
    /// Sum of dense MACs.
    public var denseMACs = 0
    /// Per gated block: sum of the per-frame active fraction.
    public var activeFractionSum: [Double]
    /// Per gated block: smallest active fraction seen.
    public var activeFractionMin: [Float]
    /// Per gated block: largest active fraction seen.
    public var activeFractionMax: [Float]

    /// Assembles totals (the network keeps its running sums in preallocated buffers).
    public init(frames: Int, executedMACs: Int, denseMACs: Int, activeFractionSum: [Double],
                activeFractionMin: [Float], activeFractionMax: [Float]) {
        self.frames = frames
        self.executedMACs = executedMACs
        self.denseMACs = denseMACs
        self.activeFractionSum = activeFractionSum
        self.activeFractionMin = activeFractionMin
        self.activeFractionMax = activeFractionMax
    }

    /// Mean active fraction of block `i`.
    public func meanActiveFraction(block i: Int) -> Double {
        frames > 0 ? activeFractionSum[i] / Double(frames) : 0
    }

    /// `1 − executed/dense`, the share of the dense work that was not done.
    public var saving: Double { denseMACs > 0 ? 1 - Double(executedMACs) / Double(denseMACs) : 0 }
}
