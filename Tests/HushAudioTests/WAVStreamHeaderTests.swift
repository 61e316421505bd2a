import Foundation
@testable import HushAudio
import Testing

@Suite("WAV header at the start of a stream")
struct WAVStreamHeaderTests {
    static func scan(_ bytes: [UInt8]) -> WAVStreamHeader.Scan {
        bytes.withUnsafeBytes { WAVStreamHeader.scan($0) }
    }

    static func le(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    /// RIFF, WAVE, a LIST chunk of odd size (padded), fmt, data.
    static let header: [UInt8] = Array("RIFF".utf8) + le(1000, 4) + Array("WAVE".utf8)
        + Array("LIST".utf8) + le(3, 4) + [1, 2, 3, 0]
        + Array("fmt ".utf8) + le(16, 4) + le(3, 2) + le(2, 2) + le(48_000, 4) + le(384_000, 4) + le(8, 2) + le(32, 2)
        + Array("data".utf8) + le(800, 4)

    @Test("raw PCM is not a header; a header split anywhere needs more, then is found whole")
    func scanning() {
        #expect(Self.scan([0, 1, 2, 3, 4]) == .notWAV)
        #expect(Self.scan(Array("RIFX".utf8)) == .notWAV)
        for cut in 0..<Self.header.count {
            #expect(Self.scan(Array(Self.header.prefix(cut))) == .needMore, "cut at \(cut)")
        }
        let found = WAVStreamHeader(headerBytes: Self.header.count, sampleRate: 48_000, channels: 2,
                                    bitsPerSample: 32, isFloat: true)
        #expect(Self.scan(Self.header + [9, 9, 9]) == .found(found))
        #expect(found.pcmFormat == .f32le)
    }
}
