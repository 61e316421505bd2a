import CSndFile
import Foundation
import Hush

/// Audio read from a file: interleaved float samples in [-1, 1] and their layout.
public struct AudioBuffer: Sendable, Equatable {
    /// Interleaved samples, `frameCount × channels`.
    public var samples: [Float]
    /// Channels per frame.
    public var channels: Int
    /// Sample rate in Hz.
    public var sampleRate: Int
    /// libsndfile's format code (major format | subtype) of the file it was read from; 0 if none.
    public var fileFormat: Int32 = 0

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
        return [Float](unsafeUninitializedCapacity: frameCount) { mono, count in
            samples.withUnsafeBufferPointer {
                Downmix.mono($0, frames: frameCount, channels: channels, into: mono.baseAddress!)
            }
            count = frameCount
        }
    }
}

/// Reads any file libsndfile reads (WAV, FLAC, AIFF, Ogg, … in any sample format).
public enum AudioReader {
    /// Reads the whole file at `path`.
    /// - Throws: `AudioFileError` for a missing path, a directory, a file libsndfile rejects, a
    ///   read error, or a file with no samples.
    public static func read(path: String) throws(AudioFileError) -> AudioBuffer {
        try AudioFileReader(path: path).readAll()
    }

    /// Reads a whole file held in memory (any format libsndfile reads), through libsndfile's
    /// virtual I/O. `name` only labels errors.
    public static func read(bytes: [UInt8], name: String = "<memory>") throws(AudioFileError) -> AudioBuffer {
        var source = MemorySource(bytes: bytes)
        return try withUnsafeMutablePointer(to: &source) { (context) throws(AudioFileError) -> AudioBuffer in
            var io = MemorySource.virtualIO
            var info = SF_INFO()
            let file = sf_open_virtual(&io, Int32(SFM_READ), &info, context)
            return try AudioFileReader(opened: file, info: info, path: name).readAll()
        }
    }
}

/// Sample rates Hush accepts, from files and streams alike: a header claiming 1 Hz (or 10 MHz)
/// is an error, not a resampler sized for it.
public enum SupportedRates {
    /// The range, Hz: the engine's (`STFTConfiguration.supportedSampleRates`).
    public static let range = STFTConfiguration.supportedSampleRates

    /// Fails unless `rate` is in `range`.
    public static func check(_ rate: Int, path: String) throws(AudioFileError) {
        if let problem = STFTConfiguration.rateProblem(rate) { throw .unreadable(path: path, reason: problem) }
    }
}

/// An audio file open for reading block by block, so that memory does not grow with its length.
public final class AudioFileReader {
    /// The path (for messages).
    public let path: String
    /// Sample rate, Hz (within `SupportedRates.range`).
    public let sampleRate: Int
    /// Interleaved channels.
    public let channels: Int
    /// libsndfile's format code (major format | subtype).
    public let format: Int32
    /// Frames the header declares (it may lie; reading stops where the data does).
    public let declaredFrames: Int
    private let file: OpaquePointer

    /// Opens `path`.
    /// - Throws: `AudioFileError` for a missing path, a directory, a file libsndfile rejects, or
    ///   a channel count or rate out of range.
    public convenience init(path: String) throws(AudioFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notFound(path: path)
        }
        if isDirectory.boolValue { throw .isDirectory(path: path) }
        var info = SF_INFO()
        let file = sf_open(path, Int32(SFM_READ), &info)
        try self.init(opened: file, info: info, path: path)
    }

    /// Takes over `file` as libsndfile opened it (nil: it could not), checking its header.
    init(opened file: OpaquePointer?, info: SF_INFO, path: String) throws(AudioFileError) {
        guard let file else {
            throw .unreadable(path: path, reason: String(cString: sf_strerror(nil)))
        }
        guard info.channels > 0, info.samplerate > 0 else {
            sf_close(file)
            throw .unreadable(path: path, reason: "no channels or no sample rate in header")
        }
        do {
            try SupportedRates.check(Int(info.samplerate), path: path)
        } catch {
            sf_close(file)
            throw error
        }
        self.path = path
        self.file = file
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
        format = info.format
        declaredFrames = Int(info.frames)
    }

    deinit { sf_close(file) }

    /// Reads up to `buffer.count / channels` frames (interleaved) into `buffer`; returns the
    /// frames read, 0 at the end.
    /// - Throws: `AudioFileError.readFailed` for an error inside the file.
    public func read(into buffer: UnsafeMutableBufferPointer<Float>) throws(AudioFileError) -> Int {
        let wanted = buffer.count / channels
        let got = max(0, Int(sf_readf_float(file, buffer.baseAddress, sf_count_t(wanted))))
        if got < wanted, sf_error(file) != 0 {
            throw .readFailed(path: path, reason: String(cString: sf_strerror(file)))
        }
        return got
    }

    /// Reads everything left (in chunks rather than trusting the declared length: a header may lie).
    /// - Throws: `AudioFileError.readFailed`, or `.empty` for a file with no samples.
    public func readAll() throws(AudioFileError) -> AudioBuffer {
        let chunkFrames = 65_536
        var samples: [Float] = []
        var chunk = [Float](repeating: 0, count: chunkFrames * channels)
        while true {
            let got = try chunk.withUnsafeMutableBufferPointer { (buffer) throws(AudioFileError) in
                try read(into: buffer)
            }
            if got > 0 { samples.append(contentsOf: chunk[0..<(got * channels)]) }
            if got < chunkFrames { break }
        }
        guard !samples.isEmpty else { throw .empty(path: path) }
        var buffer = AudioBuffer(samples: samples, channels: channels, sampleRate: sampleRate)
        buffer.fileFormat = format
        return buffer
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
