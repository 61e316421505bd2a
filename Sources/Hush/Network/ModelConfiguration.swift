/// The architecture a model file describes (training/FORMAT.md, "Metadata keys"): one
/// description, `shape` (the scalars, which the state structs in caller memory carry), plus the
/// per-block dilations. Every other property reads `shape`; nothing is stored twice.
public struct ModelConfiguration: Sendable, Equatable {
    /// The scalar part of the architecture (everything but the dilations); it holds no array,
    /// so it can live in caller memory. Its `blocks` always equals `dilations.count`.
    public private(set) var shape: ModelShape
    /// Dilation of each block, in frames; its count is the number of blocks.
    public let dilations: [Int]

    /// The architecture of `shape` with `dilations` (which decide the number of blocks).
    public init(shape: ModelShape, dilations: [Int]) {
        var shape = shape
        shape.blocks = dilations.count
        self.shape = shape
        self.dilations = dilations
    }

    /// STFT framing the model was trained with.
    public var stft: STFTConfiguration { shape.stft }
    /// Width of the residual stream, R.
    public var residualChannels: Int { shape.residualChannels }
    /// Gated inner width of each block, C.
    public var convChannels: Int { shape.convChannels }
    /// Hidden width of each gate, G.
    public var gateRank: Int { shape.gateRank }
    /// Depthwise taps over time, K.
    public var kernelSize: Int { shape.kernelSize }
    /// Budget used when the caller sets none.
    public var defaultBudget: Float { shape.defaultBudget }
    /// ε in the log-power feature.
    public var featureFloor: Float { shape.featureFloor }
    /// Default attenuation limit in dB (`.infinity`: none), see `ModelShape.attenuationLimit`.
    public var attenuationLimit: Float { shape.attenuationLimit }
    /// Whether the file has the optional speech-activity head (FORMAT.md).
    public var hasSpeechHead: Bool { shape.hasSpeechHead }
    /// Spectrum bins, F.
    public var bins: Int { shape.bins }
    /// Number of gated blocks, B.
    public var blocks: Int { dilations.count }
    /// Multiply-accumulates per frame with every channel computed and no gates.
    public var denseMACsPerFrame: Int { shape.denseMACsPerFrame }
    /// Gate multiply-accumulates per block per frame.
    public var gateMACsPerBlock: Int { shape.gateMACsPerBlock }
    /// Multiply-accumulates one active channel costs in a block (its pw1 row, taps, pw2 column).
    public var macsPerActiveChannel: Int { shape.macsPerActiveChannel }
    /// Weights of one gated block: gate, pw1, PReLUs, depthwise taps, pw2 and biases.
    public var weightsPerBlock: Int { shape.weightsPerBlock }
    /// Multiply-adds per frame of the optional speech-activity head (FORMAT.md): 2B weights and
    /// one for the smoothing. Not network MACs (reported apart, like the FFT); it also sums the
    /// B·C gate scores it already has.
    public var speechHeadMACsPerFrame: Int { 2 * blocks + 1 }
    /// Weights of the whole network: front-end, blocks, back-end.
    public var weightCount: Int { shape.weightCount }
    /// How the weight matrices are stored.
    public var weightFormat: WeightFormat { shape.weightFormat }
    /// Frames per second at the model rate.
    public var framesPerSecond: Double { shape.framesPerSecond }

    /// The channel cap for budget `b`: ceil(b·C), computed as in training (FORMAT.md).
    public func channelCap(budget: Float) -> Int { shape.channelCap(budget: budget) }
}

/// The architecture without the per-block dilations: plain scalars, no allocation, so it can be
/// stored in the state structs that live in caller memory (the dilations live in the model's
/// arena, `ModelImage.dilations`).
public struct ModelShape: Sendable, Equatable {
    /// STFT framing.
    public var stft: STFTConfiguration
    /// R, C, G, K and the number of blocks B.
    public var residualChannels, convChannels, gateRank, kernelSize, blocks: Int
    /// Budget used when the caller sets none.
    public var defaultBudget: Float
    /// ε in the log-power feature.
    public var featureFloor: Float
    /// Attenuation limit used when the caller sets none, in dB (`.infinity`: no limit): no bin is
    /// attenuated by more than this (training/FORMAT.md, `attenuation_limit_db`).
    public var attenuationLimit: Float
    /// How the weight matrices are stored (float32, or int8 with scales).
    public var weightFormat: WeightFormat
    /// Whether the file has the optional speech-activity head (FORMAT.md): its weights are part
    /// of the model's memory.
    public var hasSpeechHead = false

    /// Spectrum bins, F.
    public var bins: Int { stft.bins }

    /// Frames per second at the model rate.
    public var framesPerSecond: Double { Double(stft.sampleRate) / Double(stft.hop) }

    /// The smallest gain an attenuation limit of `dB` allows, 10^(−dB/20) = e^(−dB·ln10/20)
    /// (0 for `.infinity`). Through `LibM.exp`, so the core needs no further libm function.
    public static func gainFloor(attenuationLimit dB: Float) -> Float {
        dB == .infinity ? 0 : LibM.exp(-dB * (2.302585093 / 20))
    }

    // The MAC closed form (training/FORMAT.md, "MAC accounting"). Its Python twin is
    // training/macformula.py; MACAccountingTests holds the two together through the fixture
    // training/golden/macs.json, and holds the engine's own count to `executedMACsPerFrame`.

    /// Multiply-accumulates per frame with every channel computed and no gates.
    public var denseMACsPerFrame: Int {
        endMACsPerFrame + blocks * convChannels * macsPerActiveChannel
    }

    /// Front-end (F → R) plus back-end (R → F) multiply-accumulates per frame; never gated.
    public var endMACsPerFrame: Int { 2 * bins * residualChannels }

    /// Multiply-accumulates of one gated frame whose blocks ran `activeCounts` channels (one count
    /// per block), gate work included.
    public func executedMACsPerFrame(activeCounts: some Collection<Int>) -> Int {
        precondition(activeCounts.count == blocks, "one active count per block")
        return activeCounts.reduce(endMACsPerFrame) { $0 + gateMACsPerBlock + $1 * macsPerActiveChannel }
    }

    /// Gate multiply-accumulates per block per frame.
    public var gateMACsPerBlock: Int { residualChannels * gateRank + gateRank * convChannels }

    /// Multiply-accumulates one active channel costs in a block (its pw1 row, taps, pw2 column).
    public var macsPerActiveChannel: Int { 2 * residualChannels + kernelSize }

    /// Weights of one gated block: gate, pw1, PReLUs, depthwise taps, pw2 and biases.
    public var weightsPerBlock: Int {
        let (R, C, G, K) = (residualChannels, convChannels, gateRank, kernelSize)
        return G * R + G + C * G + C + C * R + 2 * C + C * K + 2 * C + R * C + R
    }

    /// Weights of the whole network: front-end, blocks, back-end.
    public var weightCount: Int {
        let (R, F) = (residualChannels, bins)
        return R * F + R + blocks * weightsPerBlock + F * R + F
    }

    /// The weights that are matrix elements (stored in `weightFormat`'s element type): front-end,
    /// gate.w1, gate.w2, pw1, depthwise taps, pw2, back-end. The rest are float32 vectors.
    public var matrixWeightCount: Int {
        let (R, C, G, K, F) = (residualChannels, convChannels, gateRank, kernelSize, bins)
        return 2 * F * R + blocks * (G * R + C * G + C * R + C * K + R * C)
    }

    /// Float32 scales stored beside int8 matrices: one per output channel of the front-end,
    /// back-end, gate.w1, pw1 and pw2 (none for float32).
    public var scaleCount: Int {
        weightFormat == .int8 ? residualChannels + bins + blocks * (gateRank + convChannels + residualChannels) : 0
    }

    /// Bytes of the weights in the engine's layout: the matrices in their element type, the
    /// vectors and scales as float32 (padding excluded).
    public var weightBytes: Int {
        matrixWeightCount * weightFormat.elementBytes + (weightCount - matrixWeightCount + scaleCount) * 4
    }

    /// The channel cap for budget `b`: ceil(b·C − 0.001), as in training (FORMAT.md). The slack
    /// exceeds the rounding of a `Float` budget times any C ≤ 4096, so the cap equals training's,
    /// which takes b as a double (`Float(0.3)·320` is 96.0000038: 96 channels, as 0.3·320).
    public func channelCap(budget: Float) -> Int {
        let raw = Double(budget) * Double(convChannels) - 1e-3
        return min(convChannels, max(1, Int(raw.rounded(.up))))
    }
}
