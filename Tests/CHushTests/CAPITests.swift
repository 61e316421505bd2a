import AllocationCounter
import CHush
import Foundation
import Hush
import Testing

/// The C API through its @_cdecl entry points (the C example covers the same from C, under
/// valgrind): return codes for every bad argument, the stream contract, stats, and memory.
@Suite("C API (include/hush.h)")
struct CAPITests {
    static let ok: Int32 = 0, invalidArgument: Int32 = -1, invalidModel: Int32 = -2, tooSmall: Int32 = -3

    static func create() throws -> OpaquePointer {
        var state: OpaquePointer?
        #expect(hush_create(nil, 0, &state) == ok)
        return try #require(state)
    }

    static func speech() throws -> [Float] {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/audio-fixtures/noisy-speech-16k.wav"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        // The fixture is plain 16-bit mono PCM; its data chunk starts after the "data" tag.
        let start = try #require(data.firstRange(of: Data("data".utf8))).upperBound + 4
        return data[start...].withUnsafeBytes { raw in
            (0..<(raw.count / 2)).map { Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self))) / 32768 }
        }
    }

    @Test("bad arguments return codes, never trap")
    func badArguments() throws {
        var state: OpaquePointer?
        #expect(hush_create(nil, 0, nil) == Self.invalidArgument)
        #expect(hush_create(nil, 12, &state) == Self.invalidArgument && state == nil)
        let junk: [UInt8] = Array("not a model at all".utf8)
        #expect(junk.withUnsafeBufferPointer { hush_create($0.baseAddress, UInt($0.count), &state) } == Self.invalidModel)
        #expect(state == nil)
        #expect(junk.withUnsafeBufferPointer { hush_get_size($0.baseAddress, UInt($0.count)) } == 0)
        var written: UInt = 99
        var stats = CFrameStats()
        #expect(hush_process(nil, nil, 0, nil, 0, &written) == Self.invalidArgument && written == 0)
        #expect(hush_flush(nil, nil, 0, &written) == Self.invalidArgument)
        #expect(hush_set_budget(nil, 0.5) == Self.invalidArgument)
        #expect(hush_get_last_frame_stats(nil, &stats) == Self.invalidArgument)
        #expect(hush_reset(nil) == Self.invalidArgument)
        #expect(hush_sample_rate(nil) == 0 && hush_latency_samples(nil) == 0 && hush_max_output(nil, 5) == 0)
        hush_destroy(nil)

        let s = try Self.create()
        defer { hush_destroy(s) }
        var out = [Float](repeating: 0, count: 4096)
        let input = [Float](repeating: 0.1, count: 1000)
        #expect(hush_process(s, nil, 10, &out, 4096, &written) == Self.invalidArgument)
        #expect(input.withUnsafeBufferPointer { hush_process(s, $0.baseAddress, 10, nil, 10, &written) } == Self.invalidArgument)
        #expect(input.withUnsafeBufferPointer { hush_process(s, $0.baseAddress, 10, &out, 10, nil) } == Self.invalidArgument)
        #expect(input.withUnsafeBufferPointer { hush_process(s, $0.baseAddress, UInt.max, &out, 10, &written) } == Self.invalidArgument)
        // 1000 samples complete 3 hops: 768 out, so 767 of room is too small and consumes nothing.
        #expect(hush_max_output(s, 1000) == 768)
        #expect(input.withUnsafeBufferPointer { hush_process(s, $0.baseAddress, 1000, &out, 767, &written) } == Self.tooSmall)
        #expect(hush_get_last_frame_stats(s, &stats) == Self.ok && stats.frames == 0)
        for bad: Float in [0, -1, 1.5, .nan, .infinity] { #expect(hush_set_budget(s, bad) == Self.invalidArgument) }
        #expect(hush_get_budget(s) == 1)
        #expect(hush_get_attenuation_limit(s) == 20)  // the bundled model's
        for bad: Float in [0, -1, .nan] { #expect(hush_set_attenuation_limit(s, bad) == Self.invalidArgument) }
        #expect(hush_get_attenuation_limit(s) == 20)
        #expect(hush_set_attenuation_limit(s, .infinity) == Self.ok && hush_get_attenuation_limit(s) == .infinity)
        #expect(hush_set_attenuation_limit(s, 20) == Self.ok)
        #expect(hush_set_attenuation_limit(nil, 20) == Self.invalidArgument && hush_get_attenuation_limit(nil) == 0)
        // Even with no input the stream holds its delay: flushing needs room for it.
        #expect(hush_flush(s, &out, 10, &written) == Self.tooSmall)
        #expect(hush_flush(s, &out, hush_max_flush(s), &written) == Self.ok && written == 256)
        #expect(String(cString: hush_status_string(-3)).contains("too small"))
        #expect(String(cString: hush_status_string(12345)) == "unknown status")
    }

    @Test("any chunking gives the samples of Denoiser.denoise; stats and budget work; no allocation after create")
    func stream() throws {
        let speech = try Self.speech()
        let expected = try Denoiser(model: try Model.bundled()).denoise(speech)
        let s = try Self.create()
        defer { hush_destroy(s) }
        #expect(hush_sample_rate(s) == 16_000 && hush_hop_size(s) == 256)
        #expect(hush_output_delay(s) == 256 && hush_latency_samples(s) == 512)
        var out = [Float](repeating: 0, count: speech.count + Int(hush_max_flush(s)))
        func run() -> Int {
            var total = 0
            var start = 0
            var chunk = 1
            speech.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { o in
                    var written: UInt = 0
                    while start < input.count {
                        let n = min(chunk, input.count - start)
                        let room = o.count - total
                        _ = hush_process(s, input.baseAddress! + start, UInt(n), o.baseAddress! + total, UInt(room), &written)
                        total += Int(written)
                        start += n
                        chunk = chunk * 7 % 997 + 1
                    }
                    _ = hush_flush(s, o.baseAddress! + total, UInt(o.count - total), &written)
                    total += Int(written)
                }
            }
            return total
        }
        _ = run()  // warm-up: lazily instantiated runtime metadata is not the steady state
        hush_allocation_counting_begin()
        let total = run()
        let allocations = hush_allocation_counting_end()
        // Under a sanitizer the counter is off (-1): the allocation claims are checked elsewhere.
        let counting = hush_allocation_counting_available() == 1
        #expect(!counting || allocations == 0)
        #expect(total == speech.count + 256)
        #expect(Array(out[256..<(256 + speech.count)]) == expected)

        var stats = CFrameStats()
        // The control calls allocate nothing either.
        _ = hush_get_last_frame_stats(s, &stats)  // warm-up: lazily instantiated runtime metadata
        hush_allocation_counting_begin()
        _ = hush_set_budget(s, 0.5)
        _ = hush_set_budget(s, 1)
        _ = hush_get_last_frame_stats(s, &stats)
        _ = hush_reset(s)
        _ = hush_max_output(s, 1000) + hush_max_flush(s) + hush_output_delay(s)
        let controlAllocations = hush_allocation_counting_end()
        #expect(!counting || controlAllocations == 0)
        #expect(hush_set_budget(s, 0.25) == Self.ok)
        var written: UInt = 0
        _ = speech.withUnsafeBufferPointer { hush_process(s, $0.baseAddress, 2048, &out, UInt(out.count), &written) }
        #expect(hush_get_last_frame_stats(s, &stats) == Self.ok)
        #expect(stats.frames == 8 && stats.budget == 0.25)
        #expect(stats.executedMACs > 0 && stats.executedMACs < stats.denseMACs / 2)
        #expect(stats.activeFraction > 0 && stats.activeFraction <= 0.25)
    }

    @Test("a caller-supplied model buffer works like the bundled model, and may be freed after create")
    func modelBuffer() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: parts.joined(separator: "/") + "/models/hush-default.hush")))
        #expect(bytes.withUnsafeBufferPointer { hush_get_size($0.baseAddress, UInt($0.count)) } == hush_get_size(nil, 0))
        var state: OpaquePointer?
        #expect(bytes.withUnsafeBufferPointer { hush_create($0.baseAddress, UInt($0.count), &state) } == Self.ok)
        let s = try #require(state)
        defer { hush_destroy(s) }
        bytes = []  // the weights were copied: the caller's buffer is no longer needed
        let input = try Self.speech().prefix(4096)
        var out = [Float](repeating: 0, count: 4096)
        var written: UInt = 0
        #expect(Array(input).withUnsafeBufferPointer { hush_process(s, $0.baseAddress, 4096, &out, 4096, &written) } == Self.ok)
        #expect(written == 4096 && out.contains { $0 != 0 })
        // A truncated buffer is an invalid model, not a crash.
        let truncated = [UInt8](repeating: 0x48, count: 100)
        var none: OpaquePointer?
        #expect(truncated.withUnsafeBufferPointer { hush_create($0.baseAddress, 50, &none) } == Self.invalidModel)
    }

    @Test("hush_get_size bounds the bytes hush_create requests",
          .enabled(if: hush_allocation_counting_available() == 1, "a sanitizer owns malloc"))
    func size() throws {
        let predicted = hush_get_size(nil, 0)
        var state: OpaquePointer?
        _ = hush_create(nil, 0, &state)  // warm-up: FFTW's planner and runtime metadata, once per process
        hush_destroy(state)
        hush_allocation_counting_begin()
        _ = hush_create(nil, 0, &state)
        _ = hush_allocation_counting_end()
        let (held, peak) = (hush_allocation_live_bytes(), hush_allocation_peak_bytes())
        hush_destroy(state)
        let footprint = MemoryFootprint(configuration: try Model.bundled().configuration).total
        #expect(Int(held) >= footprint)
        #expect(Int(peak) <= Int(predicted), "peak \(peak), predicted \(predicted)")
        print("hush_get_size \(predicted) bytes; hush_create peak \(peak), held \(held); engine buffers \(footprint)")
    }
}
