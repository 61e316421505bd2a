import CKernelSupport
@testable import Hush
import Testing

@Suite("CRC-32 of the model file check")
struct CRC32Tests {
    @Test("the constant table is the polynomial's, entry for entry, and the checksum is zlib's")
    func table() {
        let table = hush_crc32_table()!
        for n in 0..<256 { #expect(table[n] == CRC32.tableEntry(n), "entry \(n)") }
        // zlib.crc32(b"123456789") == 0xCBF43926, the standard check value.
        let check = Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) }
        #expect(check == 0xCBF4_3926)
    }
}
