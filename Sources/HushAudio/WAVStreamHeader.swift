/// A RIFF/WAVE header at the start of a byte stream: what `hush stream` finds when a WAV file,
/// rather than raw PCM, is piped into it. Found, it is skipped (it is not audio) and its format is
/// compared with the stream's options.
public struct WAVStreamHeader: Equatable, Sendable {
    /// Bytes before the first sample (every chunk up to and including the `data` chunk's header).
    public var headerBytes: Int
    /// Sample rate, Hz.
    public var sampleRate: Int
    /// Interleaved channels.
    public var channels: Int
    /// Bits per sample.
    public var bitsPerSample: Int
    /// IEEE float samples (format tag 3, or extensible with the float sub-format).
    public var isFloat: Bool

    /// What the first bytes of a stream say.
    public enum Scan: Equatable, Sendable {
        /// Not a WAV file: raw PCM, as expected.
        case notWAV
        /// A WAV header may be starting: more bytes are needed to tell.
        case needMore
        /// A complete WAV header.
        case found(WAVStreamHeader)
    }

    /// The most header bytes looked through before giving up (the data chunk must start by then).
    public static let scanLimit = 65_536

    /// Scans the first bytes of a stream.
    public static func scan(_ bytes: UnsafeRawBufferPointer) -> Scan {
        let riff: [UInt8] = Array("RIFF".utf8), wave: [UInt8] = Array("WAVE".utf8)
        for i in 0..<min(bytes.count, 4) where bytes[i] != riff[i] { return .notWAV }
        for i in 8..<max(8, min(bytes.count, 12)) where bytes[i] != wave[i - 8] { return .notWAV }
        guard bytes.count >= 12 else { return .needMore }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func id(_ at: Int) -> String { String(decoding: bytes[at..<(at + 4)], as: UTF8.self) }
        var offset = 12
        var format: (rate: Int, channels: Int, bits: Int, float: Bool)?
        while offset + 8 <= min(bytes.count, scanLimit) {
            let size = u32(offset + 4)
            switch id(offset) {
            case "fmt ":
                guard size >= 16 else { return .notWAV }
                guard offset + 8 + 16 <= bytes.count else { return .needMore }
                var tag = u16(offset + 8)
                if tag == 0xFFFE, size >= 26 {
                    guard offset + 8 + 26 <= bytes.count else { return .needMore }
                    tag = u16(offset + 8 + 24)  // the sub-format GUID starts with the tag
                }
                format = (u32(offset + 12), u16(offset + 10), u16(offset + 22), tag == 3)
            case "data":
                guard let format else { return .notWAV }
                return .found(WAVStreamHeader(headerBytes: offset + 8, sampleRate: format.rate,
                                              channels: format.channels, bitsPerSample: format.bits,
                                              isFloat: format.float))
            default:
                break
            }
            offset += 8 + size + (size & 1)
        }
        return bytes.count >= scanLimit ? .notWAV : .needMore
    }

    /// The raw PCM format these samples are in, if `hush stream` reads it.
    public var pcmFormat: PCMSampleFormat? {
        switch (bitsPerSample, isFloat) {
        case (16, false): return .s16le
        case (32, true): return .f32le
        default: return nil
        }
    }

    /// One line describing the header.
    public var description: String {
        "\(sampleRate) Hz, \(channels) channel(s), \(bitsPerSample)-bit \(isFloat ? "float" : "integer")"
    }
}
