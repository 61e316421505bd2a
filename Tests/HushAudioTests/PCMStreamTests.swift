import AllocationCounter
import Hush
import HushAudio
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
        #expect(allocations == 0)
        // Delay-compensated: the same samples as the whole-signal API.
        let expected = try Denoiser(model: model).denoise(pcm)
        let got = whole.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(got == expected)
    }
}
