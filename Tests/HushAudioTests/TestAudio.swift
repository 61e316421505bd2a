import CSndFile
import Foundation
import HushAudio

/// Writes test audio in any libsndfile format, and finds fixtures and scratch space.
enum TestAudio {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/HushAudioTests/TestAudio.swift
        return parts.joined(separator: "/")
    }()

    static func fixture(_ name: String) -> String { repositoryRoot + "/audio-fixtures/" + name }

    /// A fresh scratch directory under the system temp dir.
    static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "hush-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes interleaved `samples` with libsndfile's `format` (major | subtype).
    static func write(_ samples: [Float], channels: Int, rate: Int, format: Int32, to path: String) {
        var info = SF_INFO()
        info.samplerate = Int32(rate)
        info.channels = Int32(channels)
        info.format = format
        let file = sf_open(path, Int32(SFM_WRITE), &info)!
        samples.withUnsafeBufferPointer {
            _ = sf_writef_float(file, $0.baseAddress, sf_count_t(samples.count / channels))
        }
        sf_close(file)
    }
}
