import Hush
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What the network saw and did during one run, pooled into at most `slotCount` time slots so that
/// memory does not grow with the length: the noisy and enhanced power spectra (loudest value per
/// slot and bin), the predicted mask (sum), how often each channel of each gated block was
/// computed (count), and the executed-MAC fraction (sum). A run no longer than the slot count
/// keeps one slot per frame. It is the data behind `hush plot`, whose figure pools per pixel
/// column: with one slot per column, the pixels are the slots.
public struct DenoiseTrace: Sendable {
    /// Frames recorded (flush frames at the end included).
    public private(set) var frames = 0
    /// Spectrum bins per frame.
    public let bins: Int
    /// Gated blocks.
    public let blocks: Int
    /// Channels per gated block.
    public let channels: Int
    /// Frames per second of audio.
    public let framesPerSecond: Double
    /// The model's sample rate, Hz.
    public let sampleRate: Int
    /// The budget the network ran at.
    public let budget: Float
    /// The channel cap per block, ceil(b·C).
    public let channelCap: Int
    /// Time slots: frame f of the `expectedFrames` goes to slot ⌊f·slotCount/expectedFrames⌋'s
    /// column range (`DenoiseFigure.ColumnMap`), frames beyond the estimate to the last slot.
    public let slotCount: Int
    private let expectedFrames: Int
    private var slot = 0
    /// Frames pooled in each slot.
    public private(set) var framesInSlot: [Int]
    /// Loudest noisy power per slot and bin, dB (`slotCount × bins`, slot-major).
    public private(set) var noisyDecibels: [Float]
    /// Loudest enhanced (masked) power per slot and bin, dB.
    public private(set) var enhancedDecibels: [Float]
    /// Sum of the mask (in (0, 1)) per slot and bin.
    public private(set) var maskSum: [Float]
    /// Frames in which each channel was computed, per slot, block and channel.
    public private(set) var activeCount: [UInt32]
    /// Sum of the executed-MAC fraction (executed over dense, gates included) per slot.
    public private(set) var executedFractionSum: [Double]
    /// The loudest noisy bin of the run, dB.
    public private(set) var peakNoisyDecibels: Float = -.infinity
    /// The largest executed-MAC fraction of any frame.
    public private(set) var peakExecutedFraction: Float = 0
    /// Executed MACs summed over the run.
    public private(set) var executedMACs = 0
    /// Dense MACs summed over the run.
    public private(set) var denseMACs = 0

    /// An empty trace shaped for `configuration`, for a run of about `expectedFrames` frames
    /// pooled into at most `maximumSlots` slots.
    public init(configuration c: ModelConfiguration, budget: Float, channelCap: Int,
                expectedFrames: Int, maximumSlots: Int) {
        bins = c.bins
        blocks = c.blocks
        channels = c.convChannels
        framesPerSecond = c.framesPerSecond
        sampleRate = c.stft.sampleRate
        self.budget = budget
        self.channelCap = channelCap
        self.expectedFrames = max(1, expectedFrames)
        slotCount = max(1, min(self.expectedFrames, maximumSlots))
        framesInSlot = [Int](repeating: 0, count: slotCount)
        noisyDecibels = [Float](repeating: -.infinity, count: slotCount * c.bins)
        enhancedDecibels = noisyDecibels
        maskSum = [Float](repeating: 0, count: slotCount * c.bins)
        activeCount = [UInt32](repeating: 0, count: slotCount * c.blocks * c.convChannels)
        executedFractionSum = [Double](repeating: 0, count: slotCount)
    }

    /// Slots that received frames (the run may fall short of its estimate).
    public var usedSlots: Int { (framesInSlot.lastIndex { $0 > 0 } ?? -1) + 1 }

    /// Frames slot `s` covers in the expected run: the figure's column map, inverted.
    private func end(ofSlot s: Int) -> Int {
        let start = min(s * expectedFrames / slotCount, expectedFrames - 1)
        return max(start + 1, (s + 1) * expectedFrames / slotCount)
    }

    /// Executed MACs over dense MACs for the whole run.
    public var meanExecutedFraction: Double {
        denseMACs > 0 ? Double(executedMACs) / Double(denseMACs) : 0
    }

    /// Records one frame from the network's state after it ran. `noisy` and `enhanced` are
    /// the spectra before and after the mask, `bins` interleaved complex values each.
    mutating func record(noisy: UnsafePointer<Float>, enhanced: UnsafePointer<Float>,
                         network: GatedNetwork) {
        while slot < slotCount - 1 && frames >= end(ofSlot: slot) { slot += 1 }
        let base = slot * bins
        for f in 0..<bins {
            let n = Self.decibels(noisy, f), e = Self.decibels(enhanced, f)
            noisyDecibels[base + f] = max(noisyDecibels[base + f], n)
            enhancedDecibels[base + f] = max(enhancedDecibels[base + f], e)
            peakNoisyDecibels = max(peakNoisyDecibels, n)
        }
        let mask = network.lastMask
        for f in 0..<bins { maskSum[base + f] += mask[f] }
        for b in 0..<blocks {
            let row = (slot * blocks + b) * channels
            for ch in network.lastActiveChannels(block: b) { activeCount[row + Int(ch)] += 1 }
        }
        let statistics = network.lastFrame
        let fraction = Float(statistics.executedRatio)
        executedFractionSum[slot] += Double(fraction)
        peakExecutedFraction = max(peakExecutedFraction, fraction)
        executedMACs += statistics.executedMACs
        denseMACs += statistics.denseMACs
        framesInSlot[slot] += 1
        frames += 1
    }

    private static func decibels(_ spectrum: UnsafePointer<Float>, _ f: Int) -> Float {
        let re = spectrum[2 * f], im = spectrum[2 * f + 1]
        return 10 * log10f(re * re + im * im + 1e-12)
    }
}

/// A spectral stage that runs the network and records everything into a `DenoiseTrace`. The
/// trace is sized once, at creation; recording allocates nothing. For figures.
public final class TraceRecorder: SpectralStage {
    /// The network doing the work.
    public let network: GatedNetwork
    /// What it did so far.
    public private(set) var trace: DenoiseTrace
    private let expectedFrames: Int
    private let maximumSlots: Int
    private let noisyCopy: UnsafeMutablePointer<Float>

    /// A recorder over `network` (as configured by the caller) for about `expectedFrames`
    /// frames pooled into at most `maximumSlots` slots (the figure's width).
    public init(network: GatedNetwork, expectedFrames: Int, maximumSlots: Int) {
        self.network = network
        self.expectedFrames = expectedFrames
        self.maximumSlots = maximumSlots
        let c = network.model.configuration
        trace = DenoiseTrace(configuration: c, budget: network.budget, channelCap: network.channelCap,
                             expectedFrames: expectedFrames, maximumSlots: maximumSlots)
        noisyCopy = .allocate(capacity: 2 * c.bins)
    }

    deinit { noisyCopy.deallocate() }

    /// Frames a run over `samples` samples at the model's rate takes: every sample and the
    /// output delay flushed, in whole hops.
    public static func frames(forModelSamples samples: Int, configuration c: STFTConfiguration) -> Int {
        (samples + c.outputDelay + c.hop - 1) / c.hop
    }

    /// Runs the network on the frame and records it.
    public func process(spectrum: UnsafeMutablePointer<Float>, bins: Int) {
        noisyCopy.update(from: spectrum, count: 2 * bins)
        network.process(spectrum: spectrum, bins: bins)
        trace.record(noisy: noisyCopy, enhanced: spectrum, network: network)
    }

    /// The network's framing.
    public var requiredConfiguration: STFTConfiguration? { network.requiredConfiguration }

    /// Starts a new run: the network's history and the trace.
    public func reset() {
        network.reset()
        trace = DenoiseTrace(configuration: network.model.configuration, budget: network.budget,
                             channelCap: network.channelCap, expectedFrames: expectedFrames,
                             maximumSlots: maximumSlots)
    }
}

extension DenoiseTrace {
    /// Denoises `signal` (mono, at the model's rate) with `model` at `budget` and records every
    /// frame (one slot per frame unless `maximumSlots` is smaller). Returns the trace and the
    /// enhanced signal (time-aligned, same length).
    public static func run(model: Model, budget: Float? = nil, signal: [Float],
                           maximumSlots: Int = .max) throws(HushError) -> (trace: DenoiseTrace, enhanced: [Float]) {
        let network = try GatedNetwork(model: model, budget: budget)
        let frames = TraceRecorder.frames(forModelSamples: signal.count, configuration: model.configuration.stft)
        let recorder = TraceRecorder(network: network, expectedFrames: frames, maximumSlots: maximumSlots)
        let enhanced = try Denoiser(configuration: model.configuration.stft, stage: recorder).denoise(signal)
        return (recorder.trace, enhanced)
    }
}
