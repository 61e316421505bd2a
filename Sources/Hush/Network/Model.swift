import CHushModel

/// A loaded model as it lies in its arena: the architecture's scalars, the dilation table, the
/// block-weight table and every tensor in the engine's layout (pw2 and gate.w2 transposed), all
/// carved from one block of memory by `carve` (the only place their sizes are decided). Plain
/// pointers and scalars, nothing to deinitialise: freeing the block is enough. Immutable after
/// load, so any number of denoiser states may share it (concurrently, too).
public struct ModelImage {
    /// Marks a loaded model (the C API checks it on `hush_model *` arguments).
    public static let liveTag: UInt64 = 0x4855_5348_4D4F_444C  // "HUSHMODL"
    /// `liveTag` once loading completed.
    public var tag: UInt64
    /// The architecture's scalars.
    public let shape: ModelShape
    /// Dilation of each block, `shape.blocks` entries.
    public let dilations: UnsafeMutablePointer<Int>
    let frontendWeight: UnsafeMutablePointer<Float>   // [R, F]
    let frontendBias: UnsafeMutablePointer<Float>     // [R]
    /// One entry per block, a contiguous table in the arena.
    let blocks: UnsafeMutablePointer<BlockWeights>
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

    /// Bytes of weights (floats) held, padding excluded.
    public var weightBytes: Int { shape.weightCount * MemoryLayout<Float>.stride }

    /// The architecture, dilations included (allocates its array: not for a device's init path).
    public var configuration: ModelConfiguration {
        ModelConfiguration(shape: shape, dilations: Array(UnsafeBufferPointer(start: dilations, count: shape.blocks)))
    }

    /// Carves the layout of a model of `shape` from `arena`: this handle, the dilation table,
    /// the tensors and the block table. Writes the handle and the tables (not the tensors, nor
    /// the dilations) when `arena.canWrite`; returns a placeholder otherwise.
    static func carve(_ shape: ModelShape, in arena: inout Arena) -> UnsafeMutablePointer<ModelImage> {
        let (R, C, G, K, F, B) = (shape.residualChannels, shape.convChannels, shape.gateRank,
                                  shape.kernelSize, shape.bins, shape.blocks)
        func take(_ n: Int) -> UnsafeMutablePointer<Float> { arena.take(Float.self, count: n, for: .weights) }
        let image = arena.take(ModelImage.self, count: 1, for: .weights)
        let dilations = arena.take(Int.self, count: B, for: .weights)
        let blocks = arena.take(BlockWeights.self, count: B, for: .weights)
        let frontendWeight = take(R * F)
        let frontendBias = take(R)
        for i in 0..<B {
            let b = BlockWeights(
                gateW1: take(G * R), gateB1: take(G), gateW2Transposed: take(C * G), gateB2: take(C),
                pw1Weight: take(C * R), pw1Bias: take(C), prelu1Slope: take(C),
                dwWeight: take(C * K), dwBias: take(C), prelu2Slope: take(C),
                pw2Transposed: take(C * R), pw2Bias: take(R), dilation: 0)
            if arena.canWrite { (blocks + i).initialize(to: b) }
        }
        let backendWeight = take(F * R)
        let backendBias = take(F)
        if arena.canWrite {
            image.initialize(to: ModelImage(
                tag: 0, shape: shape, dilations: dilations, frontendWeight: frontendWeight,
                frontendBias: frontendBias, blocks: blocks, backendWeight: backendWeight,
                backendBias: backendBias))
        }
        return image
    }

    /// Reads the architecture from a checked file.
    static func shape(of file: ModelFile) throws(HushError) -> ModelShape {
        let blocks = try file.int(ModelKey("blocks"), in: 1...64)
        let stft: STFTConfiguration
        do {
            stft = try STFTConfiguration(
                sampleRate: try file.int(ModelKey("sample_rate"), in: STFTConfiguration.supportedSampleRates),
                frameLength: try file.int(ModelKey("n_fft"), in: 16...65_536),
                hop: try file.int(ModelKey("hop"), in: 1...32_768),
                window: STFTWindow(rawValue: Int32(try file.int(ModelKey("window"), in: 0...0)))!)
        } catch {
            throw .invalidModel("STFT parameters: \(error)")
        }
        guard try file.int(ModelKey("bins"), in: 1...32_769) == stft.bins else {
            throw .invalidModel("metadata 'bins' disagrees with n_fft")
        }
        for i in 0..<blocks { _ = try file.int(ModelKey("block.", i, ".dilation"), in: 1...1024) }
        return ModelShape(
            stft: stft,
            residualChannels: try file.int(ModelKey("residual_channels"), in: 1...4096),
            convChannels: try file.int(ModelKey("conv_channels"), in: 1...4096),
            gateRank: try file.int(ModelKey("gate_rank"), in: 1...1024),
            kernelSize: try file.int(ModelKey("kernel_size"), in: 1...16),
            blocks: blocks,
            defaultBudget: try file.float(ModelKey("default_budget")) { $0 > 0 && $0 <= 1 },
            featureFloor: try file.float(ModelKey("feature_floor")) { $0.isFinite && $0 > 0 },
            attenuationLimit: try file.float(ModelKey("attenuation_limit_db"), ifAbsent: .infinity) { $0 > 0 })
    }

    /// Validates `file` completely (architecture, every tensor's shape and values) and, when
    /// `arena.canWrite`, loads it: the tensors are copied (and transposed where the engine wants
    /// them turned), so the file's bytes are not needed afterwards. Over a measuring arena this
    /// is the size query: it checks everything and writes nothing. Allocates nothing.
    /// - Throws: `HushError.invalidModel` for a wrong, truncated or corrupt file, an unsupported
    ///   version, or any tensor whose shape disagrees with the architecture.
    static func load(_ file: ModelFile, in arena: inout Arena) throws(HushError) -> UnsafeMutablePointer<ModelImage> {
        let shape = try Self.shape(of: file)
        let image = carve(shape, in: &arena)
        let (R, C, G, K, F, B) = (shape.residualChannels, shape.convChannels, shape.gateRank,
                                  shape.kernelSize, shape.bins, shape.blocks)
        let write = arena.canWrite
        // Over a measuring arena the image is a placeholder: read nothing from it.
        let m: ModelImage? = write ? image.pointee : nil
        for i in 0..<B where write {
            let d = try file.int(ModelKey("block.", i, ".dilation"), in: 1...1024)
            m!.dilations[i] = d
            m!.blocks[i].dilation = d
        }
        try file.copyTensor(ModelKey("frontend.weight"), rows: R, cols: F, into: m.map { $0.frontendWeight })
        try file.copyTensor(ModelKey("frontend.bias"), rows: R, into: m.map { $0.frontendBias })
        for i in 0..<B {
            let b = m?.blocks[i]
            try file.copyTensor(ModelKey("block.", i, ".gate.w1"), rows: G, cols: R, into: b?.gateW1)
            try file.copyTensor(ModelKey("block.", i, ".gate.b1"), rows: G, into: b?.gateB1)
            try file.copyTensor(ModelKey("block.", i, ".gate.w2"), rows: C, cols: G, transposed: true,
                                into: b?.gateW2Transposed)
            try file.copyTensor(ModelKey("block.", i, ".gate.b2"), rows: C, into: b?.gateB2)
            try file.copyTensor(ModelKey("block.", i, ".pw1.weight"), rows: C, cols: R, into: b?.pw1Weight)
            try file.copyTensor(ModelKey("block.", i, ".pw1.bias"), rows: C, into: b?.pw1Bias)
            try file.copyTensor(ModelKey("block.", i, ".prelu1.slope"), rows: C, into: b?.prelu1Slope)
            try file.copyTensor(ModelKey("block.", i, ".dw.weight"), rows: C, cols: K, into: b?.dwWeight)
            try file.copyTensor(ModelKey("block.", i, ".dw.bias"), rows: C, into: b?.dwBias)
            try file.copyTensor(ModelKey("block.", i, ".prelu2.slope"), rows: C, into: b?.prelu2Slope)
            try file.copyTensor(ModelKey("block.", i, ".pw2.bias"), rows: R, into: b?.pw2Bias)
            try file.copyTensor(ModelKey("block.", i, ".pw2.weight"), rows: R, cols: C, transposed: true,
                                into: b?.pw2Transposed)
        }
        try file.copyTensor(ModelKey("backend.weight"), rows: F, cols: R, into: m.map { $0.backendWeight })
        try file.copyTensor(ModelKey("backend.bias"), rows: F, into: m.map { $0.backendBias })
        if write { image.pointee.tag = liveTag }
        return image
    }

    /// Bytes `initialize(memory:size:file:)` needs for `file` (any alignment of the memory), after
    /// checking the whole file. Allocates nothing.
    public static func requiredBytes(_ file: ModelFile) throws(HushError) -> Int {
        var arena = Arena.measuring()
        _ = try load(file, in: &arena)
        return Arena.requiredSize(measured: arena.used)
    }

    /// Loads `file` into `size` bytes at `memory` and returns the model's handle, inside that
    /// memory. Allocates nothing; the file's bytes may be released afterwards.
    /// - Throws: `HushError.bufferTooSmall` (in bytes) when `size < requiredBytes(file)`, before
    ///   writing anything; `HushError.invalidModel` for a bad file.
    public static func initialize(memory: UnsafeMutableRawPointer, size: Int,
                                  file: ModelFile) throws(HushError) -> UnsafeMutablePointer<ModelImage> {
        let needed = try requiredBytes(file)
        guard size >= needed else { throw .bufferTooSmall(needed: needed, given: size) }
        var arena = Arena(memory: memory, size: size)
        return try load(file, in: &arena)
    }
}

/// A loaded, validated model: a thin owner of one block holding a `ModelImage`. Immutable, so
/// several networks (streams) may share it.
public final class Model: @unchecked Sendable {
    /// The architecture.
    public let configuration: ModelConfiguration
    /// Bytes of weights held.
    public let weightBytes: Int
    /// One block's weight pointers (`ModelImage.BlockWeights`), by its historical name.
    typealias BlockWeights = ModelImage.BlockWeights
    /// The model in its arena.
    public let image: UnsafeMutablePointer<ModelImage>
    private let memory: UnsafeMutableRawPointer

    /// Loads a model from the bytes of a model file (copied: they may be freed afterwards).
    /// - Throws: `HushError.invalidModel` for a wrong, truncated or corrupt file, an unsupported
    ///   version, or any tensor whose shape disagrees with the architecture.
    public init(bytes: UnsafeRawBufferPointer) throws(HushError) {
        let file = try ModelFile(bytes: bytes)
        let size = try ModelImage.requiredBytes(file)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Arena.alignment)
        do {
            image = try ModelImage.initialize(memory: memory, size: size, file: file)
        } catch {
            memory.deallocate()
            throw error
        }
        self.memory = memory
        configuration = image.pointee.configuration
        weightBytes = image.pointee.weightBytes
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

    deinit { memory.deallocate() }
}
