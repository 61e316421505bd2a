import Foundation
import HushAudio

/// Paths of the committed fixtures, found from this source file so tests need no bundle.
enum Fixtures {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)  // Tests/HushTests/Support/Fixtures.swift
        return parts.joined(separator: "/")
    }()

    static func path(_ relative: String) -> String { repositoryRoot + "/" + relative }

    /// The real-speech fixture (LibriVox, 16 kHz mono), as floats.
    static func realSpeech() throws -> [Float] {
        try AudioReader.read(path: path("audio-fixtures/real-speech-16k.flac")).samples
    }
}

extension Fixtures {
    /// Bytes of a repository file.
    static func bytes(_ relative: String) throws -> [UInt8] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        return [UInt8](data)
    }

    /// The bundled model file's bytes.
    static func modelBytes() throws -> [UInt8] { try bytes("models/hush-default.hush") }
}
