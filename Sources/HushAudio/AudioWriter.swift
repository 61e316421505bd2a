import CSndFile
import Foundation

/// Sample encoding of a written file.
public enum OutputEncoding: String, Sendable, CaseIterable {
    /// 16-bit signed PCM (the default), clipped to full scale.
    case pcm16
    /// 32-bit IEEE float.
    case float32
}

/// Writes audio with libsndfile, atomically: into a temporary file beside the destination, which
/// is renamed over it only when complete. A failed or interrupted write leaves no partial file
/// under the final name.
public enum AudioWriter {
    /// Writes mono or interleaved `buffer` to `path` (format from the extension: .wav or .flac).
    /// - Throws: `AudioFileError.unsupportedOutputFormat` or `.unwritable`.
    public static func write(_ buffer: AudioBuffer, to path: String,
                             encoding: OutputEncoding = .pcm16) throws(AudioFileError) {
        let lower = path.lowercased()
        let major: Int32
        if lower.hasSuffix(".wav") {
            major = Int32(SF_FORMAT_WAV)
        } else if lower.hasSuffix(".flac") {
            major = Int32(SF_FORMAT_FLAC)
        } else {
            throw .unsupportedOutputFormat(path: path)
        }
        let subtype: Int32
        switch encoding {
        case .pcm16: subtype = Int32(SF_FORMAT_PCM_16)
        case .float32:
            guard major == Int32(SF_FORMAT_WAV) else {
                throw .unwritable(path: path, reason: "FLAC cannot hold float samples")
            }
            subtype = Int32(SF_FORMAT_FLOAT)
        }
        var info = SF_INFO()
        info.samplerate = Int32(buffer.sampleRate)
        info.channels = Int32(buffer.channels)
        info.format = major | subtype
        guard sf_format_check(&info) != 0 else {
            throw .unwritable(path: path, reason: "format not supported at \(buffer.sampleRate) Hz")
        }

        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".hush-tmp-\(getpid())"
        TemporaryFiles.register(temporary)  // before the file exists, so a signal never misses it
        guard let file = sf_open(temporary, Int32(SFM_WRITE), &info) else {
            TemporaryFiles.unregister(temporary)
            throw .unwritable(path: path, reason: String(cString: sf_strerror(nil)))
        }
        sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let frames = buffer.frameCount
        let written = buffer.samples.withUnsafeBufferPointer {
            Int(sf_writef_float(file, $0.baseAddress, sf_count_t(frames)))
        }
        let writeError = written == frames ? nil : String(cString: sf_strerror(file))
        let closeStatus = sf_close(file)
        if let reason = writeError ?? (closeStatus != 0 ? "close failed" : nil) {
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
            throw .unwritable(path: path, reason: reason)
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
            throw .unwritable(path: path, reason: reason)
        }
        TemporaryFiles.unregister(temporary)
    }
}
