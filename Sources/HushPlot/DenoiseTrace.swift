import Hush
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What the network saw and did in every frame of one run: the noisy and enhanced power
/// spectra, the predicted mask, which channels each gated block computed, and the executed-MAC
/// fraction. It is the data behind `hush plot`.
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
    /// Noisy power per frame and bin, dB (`frames × bins`, frame-major).
    public private(set) var noisyDecibels: [Float] = []
    /// Enhanced (masked) power per frame and bin, dB.
    public private(set) var enhancedDecibels: [Float] = []
    /// The mask per frame and bin, in (0, 1).
    public private(set) var mask: [Float] = []
    /// Channel activity bits: per frame, per block, `words` 64-bit words (bit c = channel c on).
    public private(set) var activityBits: [UInt64] = []
    /// Executed MACs over dense MACs, per frame (gates included, so it can exceed the active
    /// channel fraction).
    public private(set) var executedFraction: [Float] = []
    /// Executed MACs summed over the run.
    public private(set) var executedMACs = 0
    /// Dense MACs summed over the run.
    public private(set) var denseMACs = 0

    /// 64-bit words per block in `activityBits`.
    public var words: Int { (channels + 63) / 64 }

    /// An empty trace shaped for `configuration`.
    public init(configuration c: ModelConfiguration, budget: Float, channelCap: Int) {
        bins = c.bins
        blocks = c.blocks
        channels = c.convChannels
        framesPerSecond = c.framesPerSecond
        sampleRate = c.stft.sampleRate
        self.budget = budget
        self.channelCap = channelCap
    }

    /// Whether channel `channel` of block `block` was computed in frame `frame`.
    public func isActive(frame: Int, block: Int, channel: Int) -> Bool {
        let word = activityBits[(frame * blocks + block) * words + channel / 64]
        return word & (1 << UInt64(channel % 64)) != 0
    }

    /// Executed MACs over dense MACs for the whole run.
    public var meanExecutedFraction: Double {
        denseMACs > 0 ? Double(executedMACs) / Double(denseMACs) : 0
    }

    /// Records one frame from the network's state after it ran. `noisy` and `enhanced` are
    /// the spectra before and after the mask, `bins` interleaved complex values each.
    mutating func record(noisy: UnsafePointer<Float>, enhanced: UnsafePointer<Float>,
                         network: GatedNetwork) {
        Self.appendDecibels(noisy, bins: bins, to: &noisyDecibels)
        Self.appendDecibels(enhanced, bins: bins, to: &enhancedDecibels)
        mask.append(contentsOf: network.lastMask)
        let base = activityBits.count
        activityBits.append(contentsOf: repeatElement(0, count: blocks * words))
        for b in 0..<blocks {
            for ch in network.lastActiveChannels(block: b) {
                let c = Int(ch)
                activityBits[base + b * words + c / 64] |= 1 << UInt64(c % 64)
            }
        }
        let statistics = network.lastFrame
        executedFraction.append(Float(statistics.executedRatio))
        executedMACs += statistics.executedMACs
        denseMACs += statistics.denseMACs
        frames += 1
    }

    private static func appendDecibels(_ spectrum: UnsafePointer<Float>, bins: Int, to out: inout [Float]) {
        for f in 0..<bins {
            let re = spectrum[2 * f], im = spectrum[2 * f + 1]
            out.append(10 * log10f(re * re + im * im + 1e-12))
        }
    }
}

/// A spectral stage that runs the network and records everything into a `DenoiseTrace`.
/// Recording allocates, so this is for figures, not for the real-time path.
final class TracingStage: SpectralStage {
    let network: GatedNetwork
    var trace: DenoiseTrace
    private let noisyCopy: UnsafeMutablePointer<Float>

    init(network: GatedNetwork) {
        self.network = network
        let c = network.model.configuration
        trace = DenoiseTrace(configuration: c, budget: network.budget, channelCap: network.channelCap)
        noisyCopy = .allocate(capacity: 2 * c.bins)
    }

    deinit { noisyCopy.deallocate() }

    func process(spectrum: UnsafeMutablePointer<Float>, bins: Int) {
        noisyCopy.update(from: spectrum, count: 2 * bins)
        network.process(spectrum: spectrum, bins: bins)
        trace.record(noisy: noisyCopy, enhanced: spectrum, network: network)
    }

    var requiredConfiguration: STFTConfiguration? { network.requiredConfiguration }

    func reset() {
        network.reset()
        trace = DenoiseTrace(configuration: network.model.configuration, budget: network.budget,
                             channelCap: network.channelCap)
    }
}

extension DenoiseTrace {
    /// Denoises `signal` (mono, at the model's rate) with `model` at `budget` and records every
    /// frame. Returns the trace and the enhanced signal (time-aligned, same length).
    public static func run(model: Model, budget: Float? = nil,
                           signal: [Float]) throws(HushError) -> (trace: DenoiseTrace, enhanced: [Float]) {
        try run(network: try GatedNetwork(model: model, budget: budget), signal: signal)
    }

    /// Like `run(model:budget:signal:)` with a network as configured by the caller (budget,
    /// attenuation limit, kernels); the network is reset first.
    public static func run(network: GatedNetwork,
                           signal: [Float]) throws(HushError) -> (trace: DenoiseTrace, enhanced: [Float]) {
        let stage = TracingStage(network: network)
        let denoiser = try Denoiser(configuration: network.model.configuration.stft, stage: stage)
        let enhanced = denoiser.denoise(signal)
        return (stage.trace, enhanced)
    }
}
