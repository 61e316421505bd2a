import CSndFile
import Foundation

/// Sample encoding of a written file.
public enum OutputEncoding: String, Sendable, CaseIterable {
    /// 16-bit signed PCM (the default), clipped to full scale.
    case pcm16
    /// 32-bit IEEE float.
    case float32
}

/// The libsndfile format (major type and subtype) of a file to write.
public struct AudioFileFormat: Sendable, Equatable {
    /// libsndfile's `SF_FORMAT_*` major format | subtype.
    public var code: Int32

    /// A format chosen from the extension of `path` (.wav or .flac; `-`, standard output, is WAV)
    /// and `encoding`.
    /// - Throws: `AudioFileError.unsupportedOutputFormat` or `.unwritable` (float FLAC).
    public init(path: String, encoding: OutputEncoding) throws(AudioFileError) {
        let lower = path.lowercased()
        let major: Int32
        if lower.hasSuffix(".wav") || path == "-" {  // standard output: WAV
            major = Int32(SF_FORMAT_WAV)
        } else if lower.hasSuffix(".flac") {
            major = Int32(SF_FORMAT_FLAC)
        } else {
            throw .unsupportedOutputFormat(path: path)
        }
        switch encoding {
        case .pcm16: code = major | Int32(SF_FORMAT_PCM_16)
        case .float32:
            guard major == Int32(SF_FORMAT_WAV) else {
                throw .unwritable(path: path, reason: "FLAC cannot hold float samples")
            }
            code = major | Int32(SF_FORMAT_FLOAT)
        }
    }

    /// A format given by libsndfile's code (e.g. an input file's, to keep it when replacing it).
    public init(code: Int32) { self.code = code }

    /// Bits per sample of an integer PCM subtype (nil for float and for codecs such as Vorbis,
    /// µ-law or ADPCM, which libsndfile quantizes itself).
    var integerBits: Int? {
        switch code & Int32(SF_FORMAT_SUBMASK) {
        case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_U8): return 8
        case Int32(SF_FORMAT_PCM_16): return 16
        case Int32(SF_FORMAT_PCM_24): return 24
        case Int32(SF_FORMAT_PCM_32): return 32
        default: return nil
        }
    }

    /// Whether samples are stored as floats (values above full scale survive).
    var isFloat: Bool {
        let subtype = code & Int32(SF_FORMAT_SUBMASK)
        return subtype == Int32(SF_FORMAT_FLOAT) || subtype == Int32(SF_FORMAT_DOUBLE)
    }

    /// Whether libsndfile can write this format with `channels` at `sampleRate`.
    func info(sampleRate: Int, channels: Int) -> SF_INFO? {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = code
        return sf_format_check(&info) != 0 ? info : nil
    }
}

/// Writes audio with libsndfile into an `OutputFile`, block by block: a regular file is written
/// as a temporary file that `commit()` renames into place, so a failed or interrupted write
/// leaves no partial file under the final name.
public final class AudioFileWriter {
    private let session: OutputSession
    private var file: OpaquePointer?
    /// Interleaved channels.
    public let channels: Int
    /// Integer formats are quantized here (nil: float, or a codec libsndfile quantizes itself).
    private var quantizer: SampleQuantizer?
    private let scratch: UnsafeMutableBufferPointer<Int32>
    /// Samples above full scale: clipped by an integer format or a codec, kept by a float one.
    public private(set) var samplesAboveFullScale = 0
    /// Whether the format keeps samples above full scale (float) rather than clipping them.
    public let keepsAboveFullScale: Bool

    /// Opens `output` for `channels` at `sampleRate` in `format`.
    /// - Throws: `AudioFileError.unwritable` when libsndfile refuses the format or the target.
    /// - Parameter dithers: add TPDF dither before rounding to an integer format.
    public init(output: OutputFile, format: AudioFileFormat, sampleRate: Int,
                channels: Int, dithers: Bool = false) throws(AudioFileError) {
        guard var info = format.info(sampleRate: sampleRate, channels: channels) else {
            throw .unwritable(path: output.path, reason: "format not supported at \(sampleRate) Hz")
        }
        session = try output.open()
        guard let file = sf_open_fd(session.descriptor, Int32(SFM_WRITE), &info, Int32(SF_FALSE)) else {
            session.abandon()
            throw .unwritable(path: output.path, reason: String(cString: sf_strerror(nil)))
        }
        self.file = file
        self.channels = channels
        let bits = format.integerBits
        quantizer = bits.map { SampleQuantizer(bits: $0, dithers: dithers) }
        keepsAboveFullScale = format.isFloat
        scratch = .allocate(capacity: bits == nil ? 0 : 4096)
        sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
    }

    deinit {
        if let file { sf_close(file) }
        session.abandon()
        scratch.deallocate()
    }

    /// Appends interleaved samples (a whole number of frames).
    public func write(_ samples: UnsafeBufferPointer<Float>) throws(AudioFileError) {
        guard let file else { return }
        let frames = samples.count / channels
        guard frames > 0, let base = samples.baseAddress else { return }
        guard var quantizer else {
            for x in samples where abs(x) > 1 { samplesAboveFullScale += 1 }
            let written = Int(sf_writef_float(file, base, sf_count_t(frames)))
            if written != frames { throw failure(file) }
            return
        }
        // Whole frames per piece, so that each sf_writef_int call takes complete frames.
        let piece = scratch.count / channels * channels
        var offset = 0
        while offset < frames * channels {
            let n = min(piece, frames * channels - offset)
            for i in 0..<n { scratch[i] = quantizer.quantize(base[offset + i]) }
            let written = Int(sf_writef_int(file, scratch.baseAddress, sf_count_t(n / channels)))
            if written != n / channels { throw failure(file) }
            offset += n
        }
        samplesAboveFullScale = quantizer.clippedSamples
        self.quantizer = quantizer
    }

    private func failure(_ file: OpaquePointer) -> AudioFileError {
        .unwritable(path: session.file.path, reason: String(cString: sf_strerror(file)))
    }

    /// Finishes the file (libsndfile writes its header) and puts it in place.
    public func commit() throws(AudioFileError) {
        guard let file else { return }
        self.file = nil
        if sf_close(file) != 0 {
            session.abandon()
            throw .unwritable(path: session.file.path, reason: "close failed")
        }
        try session.commit()
    }
}

/// Whole-buffer writes, for tests and tools.
public enum AudioWriter {
    /// Writes mono or interleaved `buffer` to `path` (format from the extension: .wav or .flac),
    /// replacing any regular file there through a temporary file and a rename.
    /// - Throws: `AudioFileError.unsupportedOutputFormat` or `.unwritable`.
    public static func write(_ buffer: AudioBuffer, to path: String,
                             encoding: OutputEncoding = .pcm16) throws(AudioFileError) {
        let format = try AudioFileFormat(path: path, encoding: encoding)
        let output = try OutputPlan.check(inputs: [], outputs: [.init(path)], overwrite: true)[0]
        let writer = try AudioFileWriter(output: output, format: format, sampleRate: buffer.sampleRate,
                                         channels: buffer.channels)
        try buffer.samples.withUnsafeBufferPointer { (samples) throws(AudioFileError) in
            try writer.write(samples)
        }
        try writer.commit()
    }
}
