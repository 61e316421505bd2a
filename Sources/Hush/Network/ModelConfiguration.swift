/// The architecture a model file describes (training/FORMAT.md, "Metadata keys").
public struct ModelConfiguration: Sendable, Equatable {
    /// STFT framing the model was trained with.
    public var stft: STFTConfiguration
    /// Width of the residual stream, R.
    public var residualChannels: Int
    /// Gated inner width of each block, C.
    public var convChannels: Int
    /// Hidden width of each gate, G.
    public var gateRank: Int
    /// Depthwise taps over time, K.
    public var kernelSize: Int
    /// Dilation of each block, in frames; its count is the number of blocks.
    public var dilations: [Int]
    /// Budget used when the caller sets none.
    public var defaultBudget: Float
    /// ε in the log-power feature.
    public var featureFloor: Float
    /// Default attenuation limit in dB (`.infinity`: none), see `ModelShape.attenuationLimit`.
    public var attenuationLimit: Float

    /// Spectrum bins, F.
    public var bins: Int { stft.bins }
    /// Number of gated blocks, B.
    public var blocks: Int { dilations.count }

    /// The scalar part of the architecture (everything but the dilations), which the engine's
    /// state structs carry: it holds no array, so it can live in caller memory.
    public var shape: ModelShape {
        ModelShape(stft: stft, residualChannels: residualChannels, convChannels: convChannels,
                   gateRank: gateRank, kernelSize: kernelSize, blocks: dilations.count,
                   defaultBudget: defaultBudget, featureFloor: featureFloor,
                   attenuationLimit: attenuationLimit)
    }

    /// Multiply-accumulates per frame with every channel computed and no gates.
    public var denseMACsPerFrame: Int { shape.denseMACsPerFrame }
    /// Gate multiply-accumulates per block per frame.
    public var gateMACsPerBlock: Int { shape.gateMACsPerBlock }
    /// Multiply-accumulates one active channel costs in a block (its pw1 row, taps, pw2 column).
    public var macsPerActiveChannel: Int { shape.macsPerActiveChannel }
    /// Weights (floats) of one gated block: gate, pw1, PReLUs, depthwise taps, pw2 and biases.
    public var weightsPerBlock: Int { shape.weightsPerBlock }
    /// Weights (floats) of the whole network: front-end, blocks, back-end.
    public var weightCount: Int { shape.weightCount }

    /// Frames per second at the model rate.
    public var framesPerSecond: Double { Double(stft.sampleRate) / Double(stft.hop) }

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

    /// Spectrum bins, F.
    public var bins: Int { stft.bins }

    /// The smallest gain an attenuation limit of `dB` allows, 10^(−dB/20) = e^(−dB·ln10/20)
    /// (0 for `.infinity`). Through `LibM.exp`, so the core needs no further libm function.
    public static func gainFloor(attenuationLimit dB: Float) -> Float {
        dB == .infinity ? 0 : LibM.exp(-dB * (2.302585093 / 20))
    }

    /// Multiply-accumulates per frame with every channel computed and no gates.
    public var denseMACsPerFrame: Int {
        2 * bins * residualChannels
            + blocks * (2 * residualChannels * convChannels + kernelSize * convChannels)
    }

    /// Gate multiply-accumulates per block per frame.
    public var gateMACsPerBlock: Int { residualChannels * gateRank + gateRank * convChannels }

    /// Multiply-accumulates one active channel costs in a block (its pw1 row, taps, pw2 column).
    public var macsPerActiveChannel: Int { 2 * residualChannels + kernelSize }

    /// Weights (floats) of one gated block: gate, pw1, PReLUs, depthwise taps, pw2 and biases.
    public var weightsPerBlock: Int {
        let (R, C, G, K) = (residualChannels, convChannels, gateRank, kernelSize)
        return G * R + G + C * G + C + C * R + 2 * C + C * K + 2 * C + R * C + R
    }

    /// Weights (floats) of the whole network: front-end, blocks, back-end.
    public var weightCount: Int {
        let (R, F) = (residualChannels, bins)
        return R * F + R + blocks * weightsPerBlock + F * R + F
    }

    /// The channel cap for budget `b`: ceil(b·C), computed as in training (FORMAT.md).
    public func channelCap(budget: Float) -> Int {
        let raw = Double(budget) * Double(convChannels) - 1e-6
        return min(convChannels, max(1, Int(raw.rounded(.up))))
    }
}
