import CHushModel

/// A loaded, validated model: architecture plus weights in the engine's layouts, in one
/// allocation made at load time. Immutable, so several networks (streams) may share it.
public final class Model: @unchecked Sendable {
    /// The architecture.
    public let configuration: ModelConfiguration
    /// Bytes of weights held.
    public let weightBytes: Int

    let arena: UnsafeMutablePointer<Float>
    /// Offsets into `arena` of each layer's tensors.
    let frontendWeight: UnsafeMutablePointer<Float>   // [R, F]
    let frontendBias: UnsafeMutablePointer<Float>     // [R]
    let blockWeights: [BlockWeights]
    let backendWeight: UnsafeMutablePointer<Float>    // [F, R]
    let backendBias: UnsafeMutablePointer<Float>      // [F]

    /// One block's tensors. `pw2Transposed` is `[C, R]`: the file's `[R, C]` turned so that an
    /// active channel's weights are one contiguous row and an inactive channel's are never touched.
    /// `gateW2Transposed` is `[G, C]`, so gate scores are G long SIMD rows, not C short dots.
    struct BlockWeights {
        var gateW1, gateB1, gateW2Transposed, gateB2: UnsafeMutablePointer<Float>
        var pw1Weight, pw1Bias, prelu1Slope: UnsafeMutablePointer<Float>
        var dwWeight, dwBias, prelu2Slope: UnsafeMutablePointer<Float>
        var pw2Transposed, pw2Bias: UnsafeMutablePointer<Float>
        var dilation: Int
    }

    /// Loads a model from the bytes of a model file.
    /// - Throws: `HushError.invalidModel` for a wrong, truncated or corrupt file, an unsupported
    ///   version, or any tensor whose shape disagrees with the architecture.
    public init(bytes: UnsafeRawBufferPointer) throws(HushError) {
        let file = try ModelContainer(bytes: bytes)
        let blocks = try file.int("blocks", in: 1...64)
        let stft: STFTConfiguration
        do {
            stft = try STFTConfiguration(
                sampleRate: try file.int("sample_rate", in: 1000...384_000),
                frameLength: try file.int("n_fft", in: 16...65_536),
                hop: try file.int("hop", in: 1...32_768),
                window: STFTWindow(rawValue: Int32(try file.int("window", in: 0...0)))!)
        } catch {
            throw .invalidModel("STFT parameters: \(error)")
        }
        guard try file.int("bins", in: 1...32_769) == stft.bins else {
            throw .invalidModel("metadata 'bins' disagrees with n_fft")
        }
        var dilations: [Int] = []
        for i in 0..<blocks { dilations.append(try file.int("block.\(i).dilation", in: 1...1024)) }
        let config = ModelConfiguration(
            stft: stft,
            residualChannels: try file.int("residual_channels", in: 1...4096),
            convChannels: try file.int("conv_channels", in: 1...4096),
            gateRank: try file.int("gate_rank", in: 1...1024),
            kernelSize: try file.int("kernel_size", in: 1...16),
            dilations: dilations,
            defaultBudget: try file.float("default_budget") { $0 > 0 && $0 <= 1 },
            featureFloor: try file.float("feature_floor") { $0.isFinite && $0 > 0 })
        configuration = config

        let (R, C, G, K, F) = (config.residualChannels, config.convChannels, config.gateRank,
                               config.kernelSize, config.bins)
        let total = config.weightCount
        arena = .allocate(capacity: total)
        arena.initialize(repeating: 0, count: total)
        weightBytes = total * MemoryLayout<Float>.stride
        var cursor = arena
        func take(_ n: Int) -> UnsafeMutablePointer<Float> {
            defer { cursor += n }
            return cursor
        }
        frontendWeight = take(R * F)
        frontendBias = take(R)
        var parsed: [BlockWeights] = []
        for i in 0..<blocks {
            parsed.append(BlockWeights(
                gateW1: take(G * R), gateB1: take(G), gateW2Transposed: take(C * G), gateB2: take(C),
                pw1Weight: take(C * R), pw1Bias: take(C), prelu1Slope: take(C),
                dwWeight: take(C * K), dwBias: take(C), prelu2Slope: take(C),
                pw2Transposed: take(C * R), pw2Bias: take(R), dilation: dilations[i]))
        }
        blockWeights = parsed
        backendWeight = take(F * R)
        backendBias = take(F)

        do {
            try file.copyTensor("frontend.weight", shape: [R, F], from: bytes, into: frontendWeight)
            try file.copyTensor("frontend.bias", shape: [R], from: bytes, into: frontendBias)
            for (i, b) in parsed.enumerated() {
                let p = "block.\(i)."
                try file.copyTensor(p + "gate.w1", shape: [G, R], from: bytes, into: b.gateW1)
                try file.copyTensor(p + "gate.b1", shape: [G], from: bytes, into: b.gateB1)
                try file.copyTransposed(p + "gate.w2", rows: C, cols: G, from: bytes, into: b.gateW2Transposed)
                try file.copyTensor(p + "gate.b2", shape: [C], from: bytes, into: b.gateB2)
                try file.copyTensor(p + "pw1.weight", shape: [C, R], from: bytes, into: b.pw1Weight)
                try file.copyTensor(p + "pw1.bias", shape: [C], from: bytes, into: b.pw1Bias)
                try file.copyTensor(p + "prelu1.slope", shape: [C], from: bytes, into: b.prelu1Slope)
                try file.copyTensor(p + "dw.weight", shape: [C, K], from: bytes, into: b.dwWeight)
                try file.copyTensor(p + "dw.bias", shape: [C], from: bytes, into: b.dwBias)
                try file.copyTensor(p + "prelu2.slope", shape: [C], from: bytes, into: b.prelu2Slope)
                try file.copyTensor(p + "pw2.bias", shape: [R], from: bytes, into: b.pw2Bias)
                try file.copyTransposed(p + "pw2.weight", rows: R, cols: C, from: bytes, into: b.pw2Transposed)
            }
            try file.copyTensor("backend.weight", shape: [F, R], from: bytes, into: backendWeight)
            try file.copyTensor("backend.bias", shape: [F], from: bytes, into: backendBias)
        } catch {
            // Every stored property is set by now, so deinit runs and frees the arena.
            throw error
        }
    }

    /// Loads a model from an array of file bytes.
    public static func load(_ bytes: [UInt8]) throws(HushError) -> Model {
        let result = bytes.withUnsafeBytes { raw -> Result<Model, HushError> in
            do throws(HushError) { return .success(try Model(bytes: raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The model bundled with Hush (models/hush-default.hush, linked into the binary).
    public static func bundled() throws(HushError) -> Model {
        try Model(bytes: bundledFileBytes)
    }

    /// The bytes of the bundled model file, as linked into the binary (read-only data).
    public static var bundledFileBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: hush_bundled_model_bytes(), count: hush_bundled_model_size())
    }

    deinit { arena.deallocate() }
}
