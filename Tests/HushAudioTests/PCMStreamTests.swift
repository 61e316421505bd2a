import AllocationCounter
import Foundation
import Hush
@testable import HushAudio
import Testing

@Suite("PCMStream (the engine of hush stream)")
struct PCMStreamTests {
    /// Collects emitted bytes in a preallocated buffer.
    final class Sink {
        let buffer: UnsafeMutableRawBufferPointer
        var written = 0
        init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }
        func take(_ chunk: UnsafeRawBufferPointer) -> Bool {
            UnsafeMutableRawBufferPointer(rebasing: buffer[written...]).copyMemory(from: chunk)
            written += chunk.count
            return true
        }
    }

    /// Streams `bytes` in cycling chunk sizes into `sink`; returns the bytes written. The closures
    /// are passed inline (non-escaping), as the CLI's are, so they need no heap context.
    static func run(_ stream: PCMStream, _ bytes: UnsafeRawBufferPointer, chunks: [Int],
                    into sink: Sink) -> Int {
        var offset = 0
        var i = 0
        while offset < bytes.count {
            let n = min(chunks[i % chunks.count], bytes.count - offset)
            _ = stream.push(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]),
                            onFrame: { _ in }, emit: { sink.take($0) })
            offset += n
            i += 1
        }
        stream.finish(onFrame: { _ in }, emit: { sink.take($0) })
        return sink.written
    }

    /// Byte counts that split samples and hops every which way.
    static let oddChunks = [3, 1021, 7, 256, 1, 4093]

    @Test("push and finish allocate nothing, and the result does not depend on the chunking")
    func noAllocationAndChunkInvariance() throws {
        let speech = try AudioReader.read(path: TestAudio.fixture("real-speech-16k.flac")).samples
        let pcm: [Float] = Array(speech.prefix(10_001))
        let model = try Model.bundled()
        let stream = try PCMStream(denoiser: try Denoiser(model: model), format: .f32le, channels: 1)
        var whole = [UInt8](repeating: 0, count: pcm.count * 4)
        var chunked = whole
        let (allocations, a, b) = pcm.withUnsafeBytes { input in
            let a = whole.withUnsafeMutableBytes { Self.run(stream, input, chunks: [1 << 20], into: Sink($0)) }
            let fresh = try! PCMStream(denoiser: try! Denoiser(model: model), format: .f32le, channels: 1)
            // A warm-up pass over the same code paths, so that runtime metadata the Swift runtime
            // instantiates lazily on first use is not counted: the steady state is measured.
            _ = chunked.withUnsafeMutableBytes { Self.run(fresh, input, chunks: Self.oddChunks, into: Sink($0)) }
            let again = try! PCMStream(denoiser: try! Denoiser(model: model), format: .f32le, channels: 1)
            return chunked.withUnsafeMutableBytes { buffer in
                let sink = Sink(buffer)
                hush_allocation_counting_begin()
                let b = Self.run(again, input, chunks: Self.oddChunks, into: sink)
                return (hush_allocation_counting_end(), a, b)
            }
        }
        #expect(a == pcm.count * 4 && b == a)
        #expect(whole == chunked)
        // Under a sanitizer the counter is off (-1).
        #expect(hush_allocation_counting_available() == 0 || allocations == 0)
        // Delay-compensated: the same samples as the whole-signal API on the DC-blocked input.
        var blocked = pcm
        var blocker = DCBlocker(sampleRate: 16_000)
        blocked.withUnsafeMutableBufferPointer { blocker.process($0) }
        let expected = try Denoiser(model: model).denoise(blocked)
        let got = whole.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(got == expected)
    }

    @Test("at 44.1 kHz (libsoxr in the loop) pushes allocate nothing once libsoxr has set up")
    func noAllocationWhenResampling() throws {
        let speech = try AudioReader.read(path: TestAudio.fixture("real-speech-16k.flac")).samples
        let pcm = try Resampler.resample(Array(speech.prefix(8_000)), from: 16_000, to: 44_100)
        let stream = try PCMStream(denoiser: try Denoiser(model: try Model.bundled()), format: .f32le,
                                   channels: 1, rate: 44_100)
        var out = [UInt8](repeating: 0, count: pcm.count * 4)
        let (setUp, steady, finish, written) = pcm.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { buffer in
                let sink = Sink(buffer)
                let first = 4 * 4_410  // 100 ms
                // libsoxr builds its filters lazily, in its first soxr_process call.
                hush_allocation_counting_begin()
                _ = stream.push(UnsafeRawBufferPointer(rebasing: input[0..<first]), onFrame: { _ in },
                                emit: { sink.take($0) })
                let setUp = hush_allocation_counting_end()
                var offset = first
                var i = 0
                // Warm the odd-chunk code paths (carried partial samples) for 200 ms more, then count.
                while offset < first * 3 {
                    let n = Self.oddChunks[i % Self.oddChunks.count]
                    _ = stream.push(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + n)]),
                                    onFrame: { _ in }, emit: { sink.take($0) })
                    offset += n
                    i += 1
                }
                hush_allocation_counting_begin()
                while offset < input.count {
                    let n = min(Self.oddChunks[i % Self.oddChunks.count], input.count - offset)
                    _ = stream.push(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + n)]),
                                    onFrame: { _ in }, emit: { sink.take($0) })
                    offset += n
                    i += 1
                }
                let steady = hush_allocation_counting_end()
                hush_allocation_counting_begin()
                stream.finish(onFrame: { _ in }, emit: { sink.take($0) })
                return (setUp, steady, hush_allocation_counting_end(), sink.written)
            }
        }
        #expect(written == pcm.count * 4)
        #expect(hush_allocation_counting_available() == 0 || steady == 0)
        print("libsoxr allocations: \(setUp) at its first call, \(steady) in steady state, \(finish) at the end")
    }
}

@Suite("PCM sample encoding")
struct PCMSampleFormatTests {
    @Test("16-bit stream encoding is the file writer's: x·32768 rounded to nearest, clipped, boundaries included")
    func matchesLibsndfile() throws {
        var generator = SystemRandomNumberGenerator()
        var samples: [Float] = (0..<50_000).map { _ in Float.random(in: -1.05...1.05, using: &generator) }
        // Values whose x·32768 sits just below an integer (x·2³¹ rounds up to a multiple of 65536),
        // exact halves, the rails and beyond them.
        samples += [69.99999237 / 32768, 0.0021362302359193563, -0.0021362302359193563, 0.5 / 32768,
                    -0.5 / 32768, 1.5 / 32768, 1, -1, 0.99999, -0.99999, 2, -2, 0, -0.0]
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AudioWriter.write(AudioBuffer(samples: samples, channels: 1, sampleRate: 16_000), to: dir + "/x.wav")
        let written = try AudioReader.read(path: dir + "/x.wav").samples.map { Int16($0 * 32768) }
        var encoded = [UInt8](repeating: 0, count: samples.count * 2)
        samples.withUnsafeBufferPointer { s in
            var quantizer = SampleQuantizer(bits: 16)
            encoded.withUnsafeMutableBytes {
                PCMSampleFormat.s16le.encode(s.baseAddress!, count: s.count, into: $0.baseAddress!, quantizer: &quantizer)
            }
        }
        let ours = encoded.withUnsafeBytes { raw in
            (0..<samples.count).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        }
        let mismatches = (0..<samples.count).filter { ours[$0] != written[$0] }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(3).map { (samples[$0], ours[$0], written[$0]) })")
        // And both are plain rounding to nearest (ties to even) of x·32768, clipped.
        let rounded = samples.map { Int16(min(max((Double($0) * 32768).rounded(.toNearestOrEven), -32768), 32767)) }
        #expect(ours == rounded)
    }
}
