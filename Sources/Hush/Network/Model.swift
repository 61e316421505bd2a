import CHushModel

/// A loaded model as it lies in its arena: the architecture's scalars, the dilation table, the
/// block-weight table and every tensor in the engine's layout (pw2 and gate.w2 transposed; the
/// matrices in the file's `WeightFormat`, float32 or int8 with their scales), all carved from one
/// block of memory by `carve` (the only place their sizes are decided). Plain pointers and
/// scalars, nothing to deinitialise: freeing the block is enough. Immutable after load, so any
/// number of denoiser states may share it (concurrently, too).
public struct ModelImage {
    /// Marks a loaded model (the C API checks it on `hush_model *` arguments).
    public static let liveTag: UInt64 = 0x4855_5348_4D4F_444C  // "HUSHMODL"
    /// `liveTag` once loading completed.
    public var tag: UInt64
    /// The architecture's scalars.
    public let shape: ModelShape
    /// Dilation of each block, `shape.blocks` entries.
    public let dilations: UnsafeMutablePointer<Int>
    let frontendWeight: Matrix                        // [R, F], scaled
    let frontendBias: UnsafeMutablePointer<Float>     // [R]
    /// One entry per block, a contiguous table in the arena.
    let blocks: UnsafeMutablePointer<BlockWeights>
    let backendWeight: Matrix                         // [F, R], scaled
    let backendBias: UnsafeMutablePointer<Float>      // [F]
    /// The optional speech-activity head (FORMAT.md, "Speech-activity head"): `vad.weight`
    /// `[2, B]` (row 0 over the blocks' active fractions, row 1 over their mean gate scores),
    /// nil when the file has none.
    let speechWeight: UnsafeMutablePointer<Float>?
    /// `vad.bias` (0 without a head).
    let speechBias: Float
    /// `vad_smoothing`, α of the head's causal smoothing of its logit, in [0, 1) (0: none).
    let speechSmoothing: Float


    /// One weight matrix: row-major elements of the model's `WeightFormat` (`Float` or `Int8`)
    /// and, for the int8 matrices that have them, one float scale per row of the file's tensor
    /// (per output channel), nil otherwise. The kernels read it through `values(_:)`.
    struct Matrix {
        var elements: UnsafeMutableRawPointer
        var scales: UnsafeMutablePointer<Float>?

        /// The elements as `W`, which must be the model's element type.
        @inline(__always)
        func values<W: KernelWeight>(_: W.Type) -> UnsafeMutablePointer<W> {
            elements.assumingMemoryBound(to: W.self)
        }
    }

    /// One block's tensors. `pw2Transposed` is `[C, R]`: the file's `[R, C]` turned so that an
    /// active channel's weights are one contiguous row and an inactive channel's are never touched
    /// (its scales stay per output channel, R of them, applied where the block's sum joins the
    /// residual). `gateW2Transposed` is `[G, C]`, so gate scores are G long SIMD rows, not C short
    /// dots. `gateW2Transposed` and `dwWeight` never have scales (FORMAT.md: folded upstream).
    struct BlockWeights {
        var gateW1, gateW2Transposed, pw1Weight, dwWeight, pw2Transposed: Matrix
        var gateB1, gateB2, pw1Bias, prelu1Slope, dwBias, prelu2Slope, pw2Bias: UnsafeMutablePointer<Float>
        var dilation: Int
    }

    /// Bytes of weights held in the engine's layout (`ModelShape.weightBytes`), padding excluded.
    public var weightBytes: Int { shape.weightBytes }

    /// The architecture, dilations included (allocates its array: not for a device's init path).
    public var configuration: ModelConfiguration {
        ModelConfiguration(shape: shape, dilations: Array(UnsafeBufferPointer(start: dilations, count: shape.blocks)))
    }

    /// Carves the layout of a model of `shape` from `arena`: this handle, the dilation table,
    /// the tensors and the block table. Writes the handle and the tables (not the tensors, nor
    /// the dilations) when `arena.canWrite`; returns a placeholder otherwise.
    static func carve(_ shape: ModelShape, speechBias: Float = 0,
                      speechSmoothing: Float = 0, in arena: inout Arena) -> UnsafeMutablePointer<ModelImage> {
        let (R, C, G, K, F, B) = (shape.residualChannels, shape.convChannels, shape.gateRank,
                                  shape.kernelSize, shape.bins, shape.blocks)
        func take(_ n: Int) -> UnsafeMutablePointer<Float> { arena.take(Float.self, count: n, for: .weights) }
        // A matrix of `rows` × `cols` as the file stores it, with `rows` scales if `scaled` and int8.
        func matrix(_ rows: Int, _ cols: Int, scaled: Bool) -> Matrix {
            switch shape.weightFormat {
            case .float32: return Matrix(elements: UnsafeMutableRawPointer(take(rows * cols)), scales: nil)
            case .int8:
                let elements = arena.take(Int8.self, count: rows * cols, for: .weights)
                return Matrix(elements: UnsafeMutableRawPointer(elements), scales: scaled ? take(rows) : nil)
            }
        }
        let image = arena.take(ModelImage.self, count: 1, for: .weights)
        let dilations = arena.take(Int.self, count: B, for: .weights)
        let blocks = arena.take(BlockWeights.self, count: B, for: .weights)
        let frontendWeight = matrix(R, F, scaled: true)
        let frontendBias = take(R)
        for i in 0..<B {
            let b = BlockWeights(
                gateW1: matrix(G, R, scaled: true), gateW2Transposed: matrix(C, G, scaled: false),
                pw1Weight: matrix(C, R, scaled: true), dwWeight: matrix(C, K, scaled: false),
                pw2Transposed: matrix(R, C, scaled: true),
                gateB1: take(G), gateB2: take(C), pw1Bias: take(C), prelu1Slope: take(C),
                dwBias: take(C), prelu2Slope: take(C), pw2Bias: take(R), dilation: 0)
            if arena.canWrite { (blocks + i).initialize(to: b) }
        }
        let backendWeight = matrix(F, R, scaled: true)
        let backendBias = take(F)
        let speechWeight = shape.hasSpeechHead ? take(2 * B) : nil
        if arena.canWrite {
            image.initialize(to: ModelImage(
                tag: 0, shape: shape, dilations: dilations, frontendWeight: frontendWeight,
                frontendBias: frontendBias, blocks: blocks, backendWeight: backendWeight,
                backendBias: backendBias, speechWeight: speechWeight, speechBias: speechBias,
                speechSmoothing: speechSmoothing))
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
            attenuationLimit: try file.float(ModelKey("attenuation_limit_db"), ifAbsent: .infinity) { $0 > 0 },
            // The front-end's dtype decides; `copyMatrix` holds every other matrix to it.
            weightFormat: file.dtype(ModelKey("frontend.weight")) == WeightFormat.int8.dtypeCode ? .int8 : .float32)
    }

    /// Checks matrix `key` (`rows` × `cols` in the file) in `format` and, for an int8 matrix that
    /// is `scaled`, its scales (`key.scales`); copies both into `destination` when there is one.
    private static func copyMatrix(_ file: ModelFile, _ key: ModelKey, scaled: Bool,
                                   rows: Int, cols: Int, transposed: Bool = false, format: WeightFormat,
                                   into destination: Matrix?) throws(HushError) {
        switch format {
        case .float32:
            try file.copyTensor(key, rows: rows, cols: cols, transposed: transposed,
                                into: destination?.values(Float.self))
        case .int8:
            try file.copyInt8Tensor(key, rows: rows, cols: cols, transposed: transposed,
                                    into: destination?.values(Int8.self))
            if scaled { try file.copyTensor(key.scales, rows: rows, into: destination?.scales) }
        }
    }

    /// Validates `file` completely (architecture, every tensor's shape and values) and, when
    /// `arena.canWrite`, loads it: the tensors are copied (and transposed where the engine wants
    /// them turned), so the file's bytes are not needed afterwards. Over a measuring arena this
    /// is the size query: it checks everything and writes nothing. Allocates nothing.
    /// - Throws: `HushError.invalidModel` for a wrong, truncated or corrupt file, an unsupported
    ///   version, or any tensor whose shape disagrees with the architecture.
    static func load(_ file: ModelFile, in arena: inout Arena) throws(HushError) -> UnsafeMutablePointer<ModelImage> {
        var shape = try Self.shape(of: file)
        // The optional speech-activity head: all of it or none of it; a present part must be right.
        let hasHead = file.tensor(ModelKey("vad.weight")) != nil
        var speechBias: Float = 0
        var speechSmoothing: Float = 0
        if hasHead {
            try file.copyTensor(ModelKey("vad.bias"), rows: 1, into: &speechBias)
            speechSmoothing = try file.float(ModelKey("vad_smoothing"), ifAbsent: 0) { $0 >= 0 && $0 < 1 }
        } else if file.tensor(ModelKey("vad.bias")) != nil {
            throw .invalidModel("tensor 'vad.bias' without 'vad.weight'")
        }
        shape.hasSpeechHead = hasHead
        let image = carve(shape, speechBias: speechBias,
                          speechSmoothing: speechSmoothing, in: &arena)
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
        let format = shape.weightFormat
        try copyMatrix(file, ModelKey("frontend.weight"), scaled: true,
                       rows: R, cols: F, format: format, into: m?.frontendWeight)
        try file.copyTensor(ModelKey("frontend.bias"), rows: R, into: m.map { $0.frontendBias })
        for i in 0..<B {
            let b = m?.blocks[i]
            try copyMatrix(file, ModelKey("block.", i, ".gate.w1"), scaled: true,
                           rows: G, cols: R, format: format, into: b?.gateW1)
            try file.copyTensor(ModelKey("block.", i, ".gate.b1"), rows: G, into: b?.gateB1)
            try copyMatrix(file, ModelKey("block.", i, ".gate.w2"), scaled: false, rows: C, cols: G,
                           transposed: true, format: format, into: b?.gateW2Transposed)
            try file.copyTensor(ModelKey("block.", i, ".gate.b2"), rows: C, into: b?.gateB2)
            try copyMatrix(file, ModelKey("block.", i, ".pw1.weight"), scaled: true,
                           rows: C, cols: R, format: format, into: b?.pw1Weight)
            try file.copyTensor(ModelKey("block.", i, ".pw1.bias"), rows: C, into: b?.pw1Bias)
            try file.copyTensor(ModelKey("block.", i, ".prelu1.slope"), rows: C, into: b?.prelu1Slope)
            try copyMatrix(file, ModelKey("block.", i, ".dw.weight"), scaled: false, rows: C, cols: K,
                           format: format, into: b?.dwWeight)
            try file.copyTensor(ModelKey("block.", i, ".dw.bias"), rows: C, into: b?.dwBias)
            try file.copyTensor(ModelKey("block.", i, ".prelu2.slope"), rows: C, into: b?.prelu2Slope)
            try file.copyTensor(ModelKey("block.", i, ".pw2.bias"), rows: R, into: b?.pw2Bias)
            try copyMatrix(file, ModelKey("block.", i, ".pw2.weight"), scaled: true,
                           rows: R, cols: C, transposed: true, format: format, into: b?.pw2Transposed)
        }
        try copyMatrix(file, ModelKey("backend.weight"), scaled: true,
                       rows: F, cols: R, format: format, into: m?.backendWeight)
        try file.copyTensor(ModelKey("backend.bias"), rows: F, into: m.map { $0.backendBias })
        if hasHead {
            try file.copyTensor(ModelKey("vad.weight"), rows: 2, cols: B, into: m?.speechWeight)
        }
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

    /// Whether the model file has the optional speech-activity head (FORMAT.md), so that
    /// `FrameStatistics.speechProbability` is available.
    public var hasSpeechHead: Bool { configuration.hasSpeechHead }

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
