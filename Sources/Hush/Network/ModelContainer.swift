/// A parsed `HUSHMODL` container (training/FORMAT.md): metadata and a tensor table over the
/// file's bytes. Every offset and length is checked against the buffer before it is used, so a
/// truncated or corrupt file is an error, never an out-of-bounds read.
public struct ModelContainer {
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

    /// The only format version this reader accepts.
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = Array("HUSHMODL".utf8)

    /// Metadata entries by key.
    public private(set) var metadata: [String: Value] = [:]
    /// Tensor entries by name.
    public private(set) var tensors: [String: TensorEntry] = [:]

    /// Parses and checks the container in `bytes` (which must stay alive while tensors are read).
    /// - Throws: `HushError.invalidModel` naming the first check that failed.
    public init(bytes: UnsafeRawBufferPointer) throws(HushError) {
        var reader = ByteReader(bytes: bytes)
        guard bytes.count >= 28 else { throw .invalidModel("file too short (\(bytes.count) bytes)") }
        guard Array(bytes[0..<8]) == Self.magic else {
            throw .invalidModel("not a Hush model file (bad magic)")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])
        let stored = UInt32(littleEndianBytes: bytes, at: bytes.count - 4)
        guard CRC32.checksum(body) == stored else {
            throw .invalidModel("checksum mismatch (file corrupt or truncated)")
        }
        reader.position = 8
        let version = try reader.u32()
        guard version == Self.formatVersion else {
            throw .invalidModel("format version \(version) unsupported (this build reads \(Self.formatVersion))")
        }
        let metadataCount = Int(try reader.u32())
        let tensorCount = Int(try reader.u32())
        _ = try reader.u32()
        reader.limit = body.count
        for _ in 0..<metadataCount {
            let key = try reader.string()
            let type = try reader.u8()
            let raw = try reader.u32()
            let value: Value
            switch type {
            case 0: value = .int(Int32(bitPattern: raw))
            case 1: value = .float(Float(bitPattern: raw))
            default: throw .invalidModel("metadata '\(key)' has unknown type \(type)")
            }
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw .invalidModel("duplicate metadata key '\(key)'")
            }
        }
        for _ in 0..<tensorCount {
            let name = try reader.string()
            let dtype = try reader.u8()
            guard dtype == 0 else { throw .invalidModel("tensor '\(name)' has unknown dtype \(dtype)") }
            let rank = Int(try reader.u8())
            guard (1...4).contains(rank) else { throw .invalidModel("tensor '\(name)' has rank \(rank)") }
            var shape: [Int] = []
            var count = 1
            for _ in 0..<rank {
                let d = Int(try reader.u32())
                guard d > 0, count <= body.count / d else {
                    throw .invalidModel("tensor '\(name)' has an impossible dimension \(d)")
                }
                count *= d
                shape.append(d)
            }
            let offset = Int(try reader.u32())
            let byteCount = Int(try reader.u32())
            guard byteCount == 4 * count else {
                throw .invalidModel("tensor '\(name)' byte count \(byteCount) does not match its shape")
            }
            guard offset % 4 == 0, offset >= reader.position, offset <= body.count - byteCount else {
                throw .invalidModel("tensor '\(name)' data lies outside the file")
            }
            guard tensors.updateValue(TensorEntry(shape: shape, offset: offset), forKey: name) == nil else {
                throw .invalidModel("duplicate tensor '\(name)'")
            }
        }
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

extension UInt32 {
    /// The little-endian value of the 4 bytes at `offset` (caller checks bounds).
    init(littleEndianBytes bytes: UnsafeRawBufferPointer, at offset: Int) {
        self = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}

/// A bounds-checked little-endian cursor.
private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    var limit: Int

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        limit = bytes.count
    }

    mutating func need(_ n: Int) throws(HushError) {
        guard n <= limit - position else { throw .invalidModel("header runs past the end of the file") }
    }

    mutating func u8() throws(HushError) -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws(HushError) -> Int {
        try need(2)
        defer { position += 2 }
        return Int(bytes[position]) | Int(bytes[position + 1]) << 8
    }

    mutating func u32() throws(HushError) -> UInt32 {
        try need(4)
        defer { position += 4 }
        return UInt32(littleEndianBytes: bytes, at: position)
    }

    mutating func string() throws(HushError) -> String {
        let length = try u16()
        try need(length)
        defer { position += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)]),
                      as: UTF8.self)
    }
}
