/// Raw PCM sample encodings accepted and produced by `hush stream` (interleaved, little-endian,
/// no header), as `sox -t raw` or `ffmpeg -f s16le|f32le` read and write them.
public enum PCMSampleFormat: String, Sendable, CaseIterable {
    /// 16-bit signed integers, full scale ±32768.
    case s16le
    /// 32-bit IEEE floats, full scale ±1.
    case f32le

    /// Bytes per sample.
    public var bytesPerSample: Int {
        switch self {
        case .s16le: return 2
        case .f32le: return 4
        }
    }

    /// Decodes `count` frames of `channels` interleaved samples at `source` into mono floats,
    /// averaging the channels exactly as `AudioBuffer.downmixedToMono` does (sum in channel order,
    /// times 1/channels) so that a stream and a file give the same samples.
    /// Integers scale by 1/32768, as libsndfile reads them.
    func decodeMono(_ source: UnsafeRawPointer, frames count: Int, channels: Int,
                    into mono: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(channels)
        for frame in 0..<count {
            var sum: Float = 0
            for c in 0..<channels {
                let index = frame * channels + c
                sum += sample(source, index)
            }
            mono[frame] = channels == 1 ? sum : sum * scale
        }
    }

    @inline(__always)
    private func sample(_ source: UnsafeRawPointer, _ index: Int) -> Float {
        switch self {
        case .s16le:
            let raw = source.loadUnaligned(fromByteOffset: 2 * index, as: Int16.self)
            return Float(Int16(littleEndian: raw)) * (1 / 32768)
        case .f32le:
            let raw = source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
            return Float(bitPattern: UInt32(littleEndian: raw))
        }
    }

    /// Encodes `count` mono floats: 16-bit through `quantizer` (rounded to nearest, clipped and
    /// counted, as `hush denoise` writes 16-bit files); floats as they are (values above full
    /// scale are kept, as `hush denoise --float` keeps them).
    func encode(_ samples: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer,
                quantizer: inout SampleQuantizer) {
        switch self {
        case .s16le:
            for i in 0..<count {
                destination.storeBytes(of: quantizer.quantize16(samples[i]).littleEndian,
                                       toByteOffset: 2 * i, as: Int16.self)
            }
        case .f32le:
            for i in 0..<count {
                destination.storeBytes(of: samples[i].bitPattern.littleEndian, toByteOffset: 4 * i,
                                       as: UInt32.self)
            }
        }
    }
}
