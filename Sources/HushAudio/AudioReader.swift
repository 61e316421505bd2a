import CSndFile
import Foundation

/// Audio read from a file: interleaved float samples in [-1, 1] and their layout.
public struct AudioBuffer: Sendable, Equatable {
    /// Interleaved samples, `frameCount × channels`.
    public var samples: [Float]
    /// Channels per frame.
    public var channels: Int
    /// Sample rate in Hz.
    public var sampleRate: Int

    /// Wraps interleaved samples.
    public init(samples: [Float], channels: Int, sampleRate: Int) {
        self.samples = samples
        self.channels = channels
        self.sampleRate = sampleRate
    }

    /// Frames (samples per channel).
    public var frameCount: Int { channels > 0 ? samples.count / channels : 0 }

    /// Duration in seconds.
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    /// The mean of the channels, one sample per frame (the signal Hush processes).
    public func downmixedToMono() -> [Float] {
        guard channels > 1 else { return samples }
        let scale = 1 / Float(channels)
        return (0..<frameCount).map { frame in
            var sum: Float = 0
            for c in 0..<channels { sum += samples[frame * channels + c] }
            return sum * scale
        }
    }
}

/// Reads any file libsndfile reads (WAV, FLAC, AIFF, Ogg, … in any sample format).
public enum AudioReader {
    /// Reads the whole file at `path`.
    /// - Throws: `AudioFileError` for a missing path, a directory, a file libsndfile rejects, a
    ///   read error, or a file with no samples.
    public static func read(path: String) throws(AudioFileError) -> AudioBuffer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notFound(path: path)
        }
        if isDirectory.boolValue { throw .isDirectory(path: path) }

        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw .unreadable(path: path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        return try readAll(file, info: info, name: path)
    }

    /// Reads a whole file held in memory (any format libsndfile reads), through libsndfile's
    /// virtual I/O. `name` only labels errors.
    public static func read(bytes: [UInt8], name: String = "<memory>") throws(AudioFileError) -> AudioBuffer {
        var source = MemorySource(bytes: bytes)
        return try withUnsafeMutablePointer(to: &source) { (context) throws(AudioFileError) -> AudioBuffer in
            var io = MemorySource.virtualIO
            var info = SF_INFO()
            guard let file = sf_open_virtual(&io, Int32(SFM_READ), &info, context) else {
                throw .unreadable(path: name, reason: String(cString: sf_strerror(nil)))
            }
            defer { sf_close(file) }
            return try readAll(file, info: info, name: name)
        }
    }

    private static func readAll(_ file: OpaquePointer, info: SF_INFO,
                                name path: String) throws(AudioFileError) -> AudioBuffer {
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else {
            throw .unreadable(path: path, reason: "no channels or no sample rate in header")
        }
        // Read in chunks rather than trusting the declared length: a header may lie.
        let chunkFrames = 65_536
        var samples: [Float] = []
        var chunk = [Float](repeating: 0, count: chunkFrames * channels)
        while true {
            let got = chunk.withUnsafeMutableBufferPointer {
                Int(sf_readf_float(file, $0.baseAddress, sf_count_t(chunkFrames)))
            }
            if got > 0 { samples.append(contentsOf: chunk[0..<(got * channels)]) }
            if got < chunkFrames { break }
        }
        let status = sf_error(file)
        if status != 0 {
            throw .readFailed(path: path, reason: String(cString: sf_strerror(file)))
        }
        guard !samples.isEmpty else { throw .empty(path: path) }
        return AudioBuffer(samples: samples, channels: channels, sampleRate: Int(info.samplerate))
    }
}

/// A byte buffer read through libsndfile's virtual I/O callbacks.
private struct MemorySource {
    var bytes: [UInt8]
    var position = 0

    static func from(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<MemorySource> {
        context!.assumingMemoryBound(to: MemorySource.self)
    }

    static let virtualIO = SF_VIRTUAL_IO(
        get_filelen: { context in sf_count_t(from(context).pointee.bytes.count) },
        seek: { offset, whence, context in
            let source = from(context)
            let base: Int
            switch whence {
            case SEEK_CUR: base = source.pointee.position
            case SEEK_END: base = source.pointee.bytes.count
            default: base = 0
            }
            let target = base + Int(offset)
            guard target >= 0 else { return -1 }
            source.pointee.position = target
            return sf_count_t(target)
        },
        read: { destination, count, context in
            let source = from(context)
            let start = min(source.pointee.position, source.pointee.bytes.count)
            let n = min(Int(count), source.pointee.bytes.count - start)
            guard n > 0, let destination else { return 0 }
            source.pointee.bytes.withUnsafeBytes { raw in
                destination.copyMemory(from: raw.baseAddress! + start, byteCount: n)
            }
            source.pointee.position = start + n
            return sf_count_t(n)
        },
        write: { _, _, _ in 0 },
        tell: { context in sf_count_t(from(context).pointee.position) })
}
