import CKernelSupport

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the checksum zlib's `crc32` computes
/// and the model file's trailer holds (training/FORMAT.md). The table is constant data in C
/// (`hush_crc32_table`), not a lazily built global: checking a model allocates nothing.
public enum CRC32 {
    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let table = hush_crc32_table()!
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// Entry `n` of the table computed from the polynomial, bit by bit (what the table holds).
    static func tableEntry(_ n: Int) -> UInt32 {
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
