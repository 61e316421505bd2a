/// A checked view of a `HUSHMODL` container (training/FORMAT.md) that allocates nothing: the
/// header, metadata and tensor table are validated in place (magic, CRC, version, every offset
/// and length, types, ranks, duplicates), and lookups walk the table comparing bytes. This is
/// what the loaders use, so that validating a model for a size query and loading it into caller
/// memory make no heap allocation; only an error message, on failure, allocates.
/// (`ModelContainer`, dictionaries for the tests, is built on top of it in the test target.)
public struct ModelFile {
    /// The format versions this reader accepts: 1 (float32 tensors only) and 2 (int8 weight
    /// matrices as well, training/FORMAT.md "int8 weights").
    public static let formatVersions: ClosedRange<UInt32> = 1...2
    /// The first version with int8 tensors.
    static let int8Version: UInt32 = 2

    /// The file's bytes (they must outlive the view).
    public let bytes: UnsafeRawBufferPointer
    /// The file's format version, within `formatVersions`.
    public let version: UInt32
    let metadataCount: Int
    let tensorCount: Int
    /// Where the tensor table starts.
    let tensorTable: Int
    /// End of the body (the CRC follows).
    let bodyEnd: Int

    /// One metadata entry as it lies in the file.
    struct MetadataEntry {
        var key: UnsafeRawBufferPointer
        var type: UInt8
        var raw: UInt32
    }

    /// One tensor-table entry as it lies in the file.
    struct TensorEntry {
        var name: UnsafeRawBufferPointer
        /// 0 = f32, 1 = i8 (version 2 only).
        var dtype: UInt8
        var rank: Int
        /// Up to four dimensions; unused ones are 0.
        var dims: (Int, Int, Int, Int)
        var offset: Int
        var count: Int
        var shape: [Int] { [dims.0, dims.1, dims.2, dims.3].prefix(rank).map { $0 } }
    }

    /// Validates the container in `bytes`.
    /// - Throws: `HushError.invalidModel` naming the first check that failed.
    public init(bytes: UnsafeRawBufferPointer) throws(HushError) {
        self.bytes = bytes
        guard bytes.count >= 28 else { throw .invalidModel("file too short (\(bytes.count) bytes)") }
        for i in 0..<8 where bytes[i] != Self.magic.utf8Start[i] {
            throw .invalidModel("not a Hush model file (bad magic)")
        }
        bodyEnd = bytes.count - 4
        let stored = UInt32(littleEndianBytes: bytes, at: bytes.count - 4)
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<bodyEnd])) == stored else {
            throw .invalidModel("checksum mismatch (file corrupt or truncated)")
        }
        var reader = FileReader(bytes: bytes, position: 8, limit: bytes.count, version: 0)
        version = try reader.u32()
        guard ModelFile.formatVersions.contains(version) else {
            throw .invalidModel("format version \(version) unsupported (this build reads "
                                + "\(ModelFile.formatVersions.lowerBound)…\(ModelFile.formatVersions.upperBound))")
        }
        metadataCount = Int(try reader.u32())
        tensorCount = Int(try reader.u32())
        _ = try reader.u32()
        reader.limit = bodyEnd
        reader.version = version
        let metadataTable = reader.position
        for i in 0..<metadataCount {
            let entry = try reader.metadata()
            guard entry.type <= 1 else {
                throw .invalidModel("metadata '\(Self.text(entry.key))' has unknown type \(entry.type)")
            }
            // Duplicates: compare with every earlier key (tables are short; nothing allocates).
            var earlier = FileReader(bytes: bytes, position: metadataTable, limit: bodyEnd, version: version)
            for _ in 0..<i {
                let other = try earlier.metadata()
                if Self.equal(other.key, entry.key) {
                    throw .invalidModel("duplicate metadata key '\(Self.text(entry.key))'")
                }
            }
        }
        tensorTable = reader.position
        for i in 0..<tensorCount {
            let entry = try reader.tensor()
            var earlier = FileReader(bytes: bytes, position: tensorTable, limit: bodyEnd, version: version)
            for _ in 0..<i {
                let other = try earlier.tensor()
                if Self.equal(other.name, entry.name) {
                    throw .invalidModel("duplicate tensor '\(Self.text(entry.name))'")
                }
            }
        }
    }

    static let magic: StaticString = "HUSHMODL"

    /// Calls `body` with every metadata entry, in file order.
    func forEachMetadata(_ body: (MetadataEntry) throws(HushError) -> Void) throws(HushError) {
        var reader = FileReader(bytes: bytes, position: 24, limit: bodyEnd, version: version)
        for _ in 0..<metadataCount { try body(try reader.metadata()) }
    }

    /// Calls `body` with every tensor entry, in file order.
    func forEachTensor(_ body: (TensorEntry) throws(HushError) -> Void) throws(HushError) {
        var reader = FileReader(bytes: bytes, position: tensorTable, limit: bodyEnd, version: version)
        for _ in 0..<tensorCount { try body(try reader.tensor()) }
    }

    /// The metadata entry named `key`, if any.
    func metadata(_ key: ModelKey) -> MetadataEntry? {
        var reader = FileReader(bytes: bytes, position: 24, limit: bodyEnd, version: version)
        for _ in 0..<metadataCount {
            guard let entry = try? reader.metadata() else { return nil }  // validated: cannot fail
            if key.matches(entry.key) { return entry }
        }
        return nil
    }

    /// The tensor entry named `key`, if any.
    func tensor(_ key: ModelKey) -> TensorEntry? {
        var reader = FileReader(bytes: bytes, position: tensorTable, limit: bodyEnd, version: version)
        for _ in 0..<tensorCount {
            guard let entry = try? reader.tensor() else { return nil }
            if key.matches(entry.name) { return entry }
        }
        return nil
    }

    /// An integer metadata value within `range`.
    func int(_ key: ModelKey, in range: ClosedRange<Int>) throws(HushError) -> Int {
        guard let entry = metadata(key) else { throw .invalidModel("metadata '\(key)' missing") }
        guard entry.type == 0 else { throw .invalidModel("metadata '\(key)' is not an integer") }
        let v = Int32(bitPattern: entry.raw)
        guard range.contains(Int(v)) else {
            throw .invalidModel("metadata '\(key)' = \(v) outside \(range.lowerBound)…\(range.upperBound)")
        }
        return Int(v)
    }

    /// A float metadata value satisfying `valid`.
    func float(_ key: ModelKey, where valid: (Float) -> Bool) throws(HushError) -> Float {
        guard let v = try floatIfPresent(key, where: valid) else { throw .invalidModel("metadata '\(key)' missing") }
        return v
    }

    /// A float metadata value satisfying `valid`, or `fallback` for an optional key the file
    /// does not have.
    func float(_ key: ModelKey, ifAbsent fallback: Float, where valid: (Float) -> Bool) throws(HushError) -> Float {
        try floatIfPresent(key, where: valid) ?? fallback
    }

    /// A float metadata value satisfying `valid`, or nil if the file has no such key.
    private func floatIfPresent(_ key: ModelKey, where valid: (Float) -> Bool) throws(HushError) -> Float? {
        guard let entry = metadata(key) else { return nil }
        guard entry.type == 1 else { throw .invalidModel("metadata '\(key)' is not a float") }
        let v = Float(bitPattern: entry.raw)
        guard valid(v) else { throw .invalidModel("metadata '\(key)' = \(v) out of range") }
        return v
    }

    /// The dtype code of tensor `key` (0 = f32, 1 = i8), nil if the file has no such tensor.
    func dtype(_ key: ModelKey) -> UInt8? { tensor(key)?.dtype }

    /// Checks float32 tensor `key`: it must have shape `[rows]` (`cols` 0) or `[rows, cols]` and
    /// hold only finite values. With a destination, copies it there, transposed to `[cols, rows]`
    /// when `transposed`. Without one (measuring), it only checks.
    func copyTensor(_ key: ModelKey, rows: Int, cols: Int = 0, transposed: Bool = false,
                    into destination: UnsafeMutablePointer<Float>?) throws(HushError) {
        let entry = try checkedEntry(key, dtype: 0, rows: rows, cols: cols)
        for i in 0..<entry.count {
            let v = Float(bitPattern: UInt32(littleEndianBytes: bytes, at: entry.offset + 4 * i))
            guard v.isFinite else { throw .invalidModel("tensor '\(key)' holds a non-finite value") }
            guard let destination else { continue }
            destination[Self.destinationIndex(i, rows: rows, cols: cols, transposed: transposed)] = v
        }
    }

    /// `copyTensor` for an int8 tensor (every value is finite; −128 is refused, as the format
    /// is symmetric: [−127, 127]).
    func copyInt8Tensor(_ key: ModelKey, rows: Int, cols: Int, transposed: Bool = false,
                        into destination: UnsafeMutablePointer<Int8>?) throws(HushError) {
        let entry = try checkedEntry(key, dtype: 1, rows: rows, cols: cols)
        for i in 0..<entry.count {
            let v = Int8(bitPattern: bytes[entry.offset + i])
            guard v != .min else { throw .invalidModel("tensor '\(key)' holds −128 (int8 weights are symmetric)") }
            guard let destination else { continue }
            destination[Self.destinationIndex(i, rows: rows, cols: cols, transposed: transposed)] = v
        }
    }

    /// Tensor `key`'s entry, checked for its dtype and its shape `[rows]` (`cols` 0) or `[rows, cols]`.
    private func checkedEntry(_ key: ModelKey, dtype: UInt8, rows: Int, cols: Int) throws(HushError) -> TensorEntry {
        guard let entry = tensor(key) else { throw .invalidModel("tensor '\(key)' missing") }
        guard entry.dtype == dtype else {
            throw .invalidModel("tensor '\(key)' is \(Self.dtypeName(entry.dtype)), expected \(Self.dtypeName(dtype))")
        }
        let rank = cols == 0 ? 1 : 2
        guard entry.rank == rank, entry.dims.0 == rows, rank == 1 || entry.dims.1 == cols else {
            let expected = cols == 0 ? [rows] : [rows, cols]
            throw .invalidModel("tensor '\(key)' has shape \(entry.shape), expected \(expected)")
        }
        return entry
    }

    /// Where element `i` of a row-major `[rows, max(cols, 1)]` tensor goes, turned to
    /// `[cols, rows]` when `transposed`.
    @inline(__always)
    private static func destinationIndex(_ i: Int, rows: Int, cols: Int, transposed: Bool) -> Int {
        guard transposed else { return i }
        let (r, c) = i.quotientAndRemainder(dividingBy: max(cols, 1))
        return c * rows + r
    }

    /// A dtype code's name, for error messages.
    static func dtypeName(_ code: UInt8) -> String { code == 0 ? "float32" : code == 1 ? "int8" : "dtype \(code)" }

    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }

    /// A name's text, for error messages only.
    static func text(_ raw: UnsafeRawBufferPointer) -> String { String(decoding: raw, as: UTF8.self) }
}

/// A metadata key or tensor name, `prefix`, or `prefix` + decimal `index` + `suffix`
/// ("block.3.gate.w1"), optionally followed by ".scale" (an int8 matrix's scales,
/// "block.3.gate.w1.scale"), matched against the file's bytes without building a string.
struct ModelKey: CustomStringConvertible {
    let prefix: StaticString
    let index: Int
    let suffix: StaticString
    private(set) var tail: StaticString = ""

    /// The name of this matrix's scale tensor (FORMAT.md: the matrix's name + ".scale").
    var scales: ModelKey {
        var key = self
        key.tail = ".scale"
        return key
    }

    init(_ name: StaticString) {
        prefix = name
        index = -1
        suffix = ""
    }

    init(_ prefix: StaticString, _ index: Int, _ suffix: StaticString) {
        self.prefix = prefix
        self.index = index
        self.suffix = suffix
    }

    func matches(_ name: UnsafeRawBufferPointer) -> Bool {
        var at = 0
        guard Self.match(prefix, name, &at) else { return false }
        if index >= 0 {
            var divisor = 1
            while index / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                guard at < name.count, name[at] == UInt8(ascii: "0") + UInt8(index / divisor % 10) else {
                    return false
                }
                at += 1
                divisor /= 10
            }
            guard Self.match(suffix, name, &at) else { return false }
        }
        guard Self.match(tail, name, &at) else { return false }
        return at == name.count
    }

    /// Whether `name` continues with `s` at `at`; advances `at` past it if so. (A static function,
    /// not a nested one: a nested function capturing `at` would box it on the heap in debug builds.)
    private static func match(_ s: StaticString, _ name: UnsafeRawBufferPointer, _ at: inout Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard name.count - at >= n else { return false }
        for i in 0..<n where name[at + i] != s.utf8Start[i] { return false }
        at += n
        return true
    }

    var description: String {
        (index < 0 ? "\(prefix)" : "\(prefix)\(index)\(suffix)") + "\(tail)"
    }
}

/// A bounds-checked little-endian cursor over the file.
private struct FileReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    var limit: Int
    /// The file's format version (which dtypes are allowed); 0 while reading the header.
    var version: UInt32

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

    mutating func name() throws(HushError) -> UnsafeRawBufferPointer {
        let length = try u16()
        try need(length)
        defer { position += length }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
    }

    mutating func metadata() throws(HushError) -> ModelFile.MetadataEntry {
        let key = try name()
        let type = try u8()
        let raw = try u32()
        return ModelFile.MetadataEntry(key: key, type: type, raw: raw)
    }

    mutating func tensor() throws(HushError) -> ModelFile.TensorEntry {
        let name = try name()
        let dtype = try u8()
        guard dtype == 0 || (dtype == 1 && version >= ModelFile.int8Version) else {
            throw .invalidModel("tensor '\(ModelFile.text(name))' has unknown dtype \(dtype)")
        }
        let width = dtype == 0 ? 4 : 1
        let rank = Int(try u8())
        guard (1...4).contains(rank) else {
            throw .invalidModel("tensor '\(ModelFile.text(name))' has rank \(rank)")
        }
        var dims = (0, 0, 0, 0)
        var count = 1
        let body = limit
        for r in 0..<rank {
            let d = Int(try u32())
            guard d > 0, count <= body / d else {
                throw .invalidModel("tensor '\(ModelFile.text(name))' has an impossible dimension \(d)")
            }
            count *= d
            switch r {
            case 0: dims.0 = d
            case 1: dims.1 = d
            case 2: dims.2 = d
            default: dims.3 = d
            }
        }
        let offset = Int(try u32())
        let byteCount = Int(try u32())
        guard byteCount == width * count else {
            throw .invalidModel(
                "tensor '\(ModelFile.text(name))' byte count \(byteCount) does not match its shape")
        }
        guard offset % width == 0, offset >= position, offset <= body - byteCount else {
            throw .invalidModel("tensor '\(ModelFile.text(name))' data lies outside the file")
        }
        return ModelFile.TensorEntry(name: name, dtype: dtype, rank: rank, dims: dims, offset: offset, count: count)
    }
}

extension UInt32 {
    /// The little-endian value of the 4 bytes at `offset` (caller checks bounds).
    init(littleEndianBytes bytes: UnsafeRawBufferPointer, at offset: Int) {
        self = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
