@testable import Hush

/// A parsed `HUSHMODL` container (training/FORMAT.md) as dictionaries: metadata and a tensor
/// table over the file's bytes, for tests (the golden fixtures). It lives here, not in the core,
/// so that the device core links no `[String: …]` dictionaries (hashing seeds, Unicode tables);
/// the engine's loaders use `ModelFile`, which allocates nothing. Every offset and length is checked against the buffer before it is used, so a
/// truncated or corrupt file is an error, never an out-of-bounds read.
struct ModelContainer {
    /// A metadata value.
    public enum Value: Equatable, Sendable {
        /// 32-bit signed integer.
        case int(Int32)
        /// 32-bit float.
        case float(Float)
    }

    /// Where a tensor's data lies and its shape.
    public struct TensorEntry: Equatable, Sendable {
        /// Dimensions, row-major.
        public var shape: [Int]
        /// Absolute byte offset of the data in the file.
        public var offset: Int
        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Metadata entries by key.
    public private(set) var metadata: [String: Value] = [:]
    /// Tensor entries by name.
    public private(set) var tensors: [String: TensorEntry] = [:]

    /// Parses and checks the container in `bytes` (which must stay alive while tensors are read).
    /// The checks are `ModelFile`'s (which allocates nothing); this adds the dictionaries.
    /// - Throws: `HushError.invalidModel` naming the first check that failed.
    public init(bytes: UnsafeRawBufferPointer) throws(HushError) {
        let file = try ModelFile(bytes: bytes)
        var metadata: [String: Value] = [:]
        try file.forEachMetadata { entry throws(HushError) in
            metadata[ModelFile.text(entry.key)] = entry.type == 0
                ? .int(Int32(bitPattern: entry.raw)) : .float(Float(bitPattern: entry.raw))
        }
        var tensors: [String: TensorEntry] = [:]
        try file.forEachTensor { entry throws(HushError) in
            tensors[ModelFile.text(entry.name)] = TensorEntry(shape: entry.shape, offset: entry.offset)
        }
        self.metadata = metadata
        self.tensors = tensors
    }

    /// An integer metadata value within `range`.
    public func int(_ key: String, in range: ClosedRange<Int>) throws(HushError) -> Int {
        guard let value = metadata[key] else { throw .invalidModel("metadata '\(key)' missing") }
        guard case .int(let v) = value else { throw .invalidModel("metadata '\(key)' is not an integer") }
        guard range.contains(Int(v)) else {
            throw .invalidModel("metadata '\(key)' = \(v) outside \(range.lowerBound)…\(range.upperBound)")
        }
        return Int(v)
    }

    /// A float metadata value satisfying `valid`.
    public func float(_ key: String, where valid: (Float) -> Bool) throws(HushError) -> Float {
        guard let value = metadata[key] else { throw .invalidModel("metadata '\(key)' missing") }
        guard case .float(let v) = value else { throw .invalidModel("metadata '\(key)' is not a float") }
        guard valid(v) else { throw .invalidModel("metadata '\(key)' = \(v) out of range") }
        return v
    }

    /// Copies tensor `name`, which must have exactly `shape`, into `destination`.
    /// - Throws: `HushError.invalidModel` if it is missing, mis-shaped, or holds NaN/Inf.
    public func copyTensor(_ name: String, shape: [Int], from bytes: UnsafeRawBufferPointer,
                           into destination: UnsafeMutablePointer<Float>) throws(HushError) {
        guard let entry = tensors[name] else { throw .invalidModel("tensor '\(name)' missing") }
        guard entry.shape == shape else {
            throw .invalidModel("tensor '\(name)' has shape \(entry.shape), expected \(shape)")
        }
        for i in 0..<entry.count {
            let v = Float(bitPattern: UInt32(littleEndianBytes: bytes, at: entry.offset + 4 * i))
            guard v.isFinite else { throw .invalidModel("tensor '\(name)' holds a non-finite value") }
            destination[i] = v
        }
    }

    /// Copies the `[rows, cols]` tensor `name` into `destination` transposed, as `[cols, rows]`.
    public func copyTransposed(_ name: String, rows: Int, cols: Int, from bytes: UnsafeRawBufferPointer,
                               into destination: UnsafeMutablePointer<Float>) throws(HushError) {
        // Through a temporary: load time only, never per frame.
        let fileLayout = UnsafeMutablePointer<Float>.allocate(capacity: rows * cols)
        defer { fileLayout.deallocate() }
        try copyTensor(name, shape: [rows, cols], from: bytes, into: fileLayout)
        for r in 0..<rows {
            for c in 0..<cols { destination[c * rows + r] = fileLayout[r * cols + c] }
        }
    }

    /// Reads tensor `name` (any shape) as an array; for tests and tools, not the frame loop.
    public func array(_ name: String, from bytes: UnsafeRawBufferPointer) throws(HushError) -> [Float] {
        guard let entry = tensors[name] else { throw .invalidModel("tensor '\(name)' missing") }
        return (0..<entry.count).map {
            Float(bitPattern: UInt32(littleEndianBytes: bytes, at: entry.offset + 4 * $0))
        }
    }
}
