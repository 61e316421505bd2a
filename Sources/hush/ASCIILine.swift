/// A line of ASCII text built in a fixed, preallocated buffer, so that the per-frame statistics
/// of `hush stream --stats` are formatted without creating a Swift `String` per frame (the stream
/// loop allocates nothing).
struct ASCIILine {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    /// A buffer of `capacity` bytes, allocated once; call `deallocate` when done.
    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func deallocate() { base.deallocate() }

    /// Empties the line.
    mutating func clear() { count = 0 }

    /// The bytes written so far.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    mutating func append(_ text: StaticString) {
        let n = min(text.utf8CodeUnitCount, capacity - count)
        (base + count).update(from: text.utf8Start, count: n)
        count += n
    }

    mutating func append(byte: UInt8) {
        guard count < capacity else { return }
        base[count] = byte
        count += 1
    }

    /// Decimal digits of `value`.
    mutating func append(_ value: Int) {
        if value < 0 { append(byte: UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            append(byte: UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// `value` with `places` decimals (0…6), rounded half away from zero.
    mutating func append(_ value: Double, places: Int) {
        guard value.isFinite else { append("nan"); return }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        if value < 0 && scaled != 0 { append(byte: UInt8(ascii: "-")) }
        let whole = scaled / Int(scale)
        append(whole)
        guard places > 0 else { return }
        append(byte: UInt8(ascii: "."))
        var fraction = scaled - whole * Int(scale)
        var divisor = Int(scale) / 10
        while divisor > 0 {
            append(byte: UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }
}
