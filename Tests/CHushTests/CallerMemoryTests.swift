import AllocationCounter
import CHush
import Hush
import Testing

/// The RNNoise-style caller-memory path of include/hush.h: hush_model_get_size/hush_model_init
/// and hush_state_get_size/hush_init into caller buffers.
@Suite("C API in caller memory (hush_model_init, hush_init)")
struct CallerMemoryTests {
    static let ok: Int32 = 0, invalidArgument: Int32 = -1, invalidModel: Int32 = -2, tooSmall: Int32 = -3

    /// A 64-byte-aligned block with `size` usable bytes followed by a 64-byte canary.
    final class Block {
        static let canary: UInt8 = 0xA5
        let size: Int
        let base: UnsafeMutableRawPointer
        init(_ size: Int, offset: Int = 0) {
            self.size = size
            let raw = UnsafeMutableRawPointer.allocate(byteCount: size + offset + 64, alignment: 64)
            raw.initializeMemory(as: UInt8.self, repeating: Self.canary, count: size + offset + 64)
            base = raw + offset
            start = raw
        }
        private let start: UnsafeMutableRawPointer
        deinit { start.deallocate() }
        /// True when the 64 bytes after `size` still hold the canary.
        func canaryIntact(after size: Int) -> Bool {
            (0..<64).allSatisfy { base.load(fromByteOffset: size + $0, as: UInt8.self) == Self.canary }
        }
        func untouched(_ range: Range<Int>) -> Bool {
            range.allSatisfy { base.load(fromByteOffset: $0, as: UInt8.self) == Self.canary }
        }
    }

    static func loadModel(into block: Block) throws -> OpaquePointer {
        var model: OpaquePointer?
        #expect(hush_model_init(block.base, UInt(block.size), nil, 0, &model) == ok)
        return try #require(model)
    }

    static func initState(_ block: Block, _ model: OpaquePointer, budget: Float = 0) throws -> OpaquePointer {
        var state: OpaquePointer?
        #expect(hush_init(block.base, UInt(block.size), model, budget, &state) == ok)
        return try #require(state)
    }

    /// Streams `input` through `state` in varying chunks, switching the budget, then flushes;
    /// returns the stream with the output delay dropped (aligned with the input).
    static func run(_ state: OpaquePointer, _ input: UnsafeBufferPointer<Float>,
                    _ out: UnsafeMutableBufferPointer<Float>, budgets: Bool = false) -> Int {
        var total = 0, start = 0, chunk = 1
        var written: UInt = 0
        var stats = CFrameStats()
        while start < input.count {
            let n = min(chunk, input.count - start)
            _ = hush_process(state, input.baseAddress! + start, UInt(n), out.baseAddress! + total,
                             UInt(out.count - total), &written)
            total += Int(written)
            start += n
            if budgets { _ = hush_set_budget(state, chunk % 2 == 0 ? 0.25 : 1) }
            _ = hush_get_last_frame_stats(state, &stats)
            chunk = chunk * 7 % 997 + 1
        }
        _ = hush_flush(state, out.baseAddress! + total, UInt(out.count - total), &written)
        return total + Int(written)
    }

    @Test("after the FFT plan is warm, model init, state init, processing, flush, budget and reset allocate nothing",
          .enabled(if: hush_allocation_counting_available() == 1, "a sanitizer owns malloc"))
    func zeroAllocation() throws {
        let speech = try CAPITests.speech()
        let modelSize = Int(hush_model_get_size(nil, 0))
        let modelBlock = Block(modelSize)
        var out = [Float](repeating: 0, count: speech.count + 1024)
        var len: UInt = 0
        let file = try #require(hush_bundled_model_data(&len))
        var first = true
        var allocations = -2
        // Pass 1 warms FFTW's shared plan and the runtime's metadata; pass 2 is measured.
        for _ in 0..<2 {
            var model: OpaquePointer?
            var state: OpaquePointer?
            let stateBlock = Block(first ? 1 << 20 : Int(hush_state_get_size(try Self.loadModel(into: modelBlock))))
            speech.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { o in
                    if !first { hush_allocation_counting_begin() }
                    let size = hush_model_get_size(file, len)
                    _ = hush_model_init(modelBlock.base, size, file, len, &model)
                    let stateSize = hush_state_get_size(model)
                    _ = hush_init(stateBlock.base, stateSize, model, 0.5, &state)
                    _ = Self.run(state!, input, o, budgets: true)
                    _ = hush_reset(state)
                    _ = hush_set_budget(state, 1)
                    _ = Self.run(state!, UnsafeBufferPointer(rebasing: input.prefix(5000)), o)
                    if !first { allocations = hush_allocation_counting_end() }
                }
            }
            #expect(model != nil && state != nil)
            first = false
        }
        #expect(allocations == 0, "\(allocations) heap allocations")
    }

    @Test("too-small memory is refused at every size below the query, and nothing is written")
    func tooSmall() throws {
        let modelSize = Int(hush_model_get_size(nil, 0))
        #expect(modelSize > 1_800_000)
        let modelBlock = Block(modelSize)
        // The model check validates the whole file per call: a sample of sizes, edges included.
        var sizes = [0, 1, 63, 64, 65, 4096, modelSize / 2, modelSize - 64, modelSize - 63, modelSize - 1]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 { sizes.append(Int.random(in: 0..<modelSize, using: &generator)) }
        for size in sizes {
            var model: OpaquePointer? = OpaquePointer(bitPattern: 1)
            #expect(hush_model_init(modelBlock.base, UInt(size), nil, 0, &model) == Self.tooSmall)
            #expect(model == nil)
        }
        #expect(modelBlock.untouched(0..<(modelSize + 64)), "a refused hush_model_init wrote")
        let model = try Self.loadModel(into: modelBlock)
        #expect(modelBlock.canaryIntact(after: modelSize))

        // The state: every size from 0 to needed − 1.
        let stateSize = Int(hush_state_get_size(model))
        #expect(stateSize > 50_000 && stateSize < 200_000)
        let stateBlock = Block(stateSize)
        for size in 0..<stateSize {
            var state: OpaquePointer?
            guard hush_init(stateBlock.base, UInt(size), model, 0, &state) == Self.tooSmall, state == nil else {
                Issue.record("hush_init accepted \(size) bytes of \(stateSize)")
                break
            }
        }
        #expect(stateBlock.untouched(0..<(stateSize + 64)), "a refused hush_init wrote")
        let state = try Self.initState(stateBlock, model)
        var out = [Float](repeating: 0, count: 8192)
        let input = try CAPITests.speech().prefix(4000)
        var written: UInt = 0
        #expect(Array(input).withUnsafeBufferPointer { hush_process(state, $0.baseAddress, 4000, &out, 8192, &written) } == Self.ok)
        #expect(hush_flush(state, &out, 8192, &written) == Self.ok)
        #expect(stateBlock.canaryIntact(after: stateSize), "the state wrote past its size")
        #expect(modelBlock.canaryIntact(after: modelSize), "the model arena was written past its size")
    }

    @Test("output is bit-identical to hush_create and to the Swift Denoiser, at any alignment of the memory")
    func identical() throws {
        let speech = try CAPITests.speech()
        let expected = try Denoiser(model: try Model.bundled()).denoise(speech)
        var created: OpaquePointer?
        #expect(hush_create(nil, 0, &created) == Self.ok)
        let heapState = try #require(created)
        defer { hush_destroy(heapState) }
        var reference = [Float](repeating: 0, count: speech.count + 1024)
        let referenceCount = speech.withUnsafeBufferPointer { i in
            reference.withUnsafeMutableBufferPointer { Self.run(heapState, i, $0) }
        }
        #expect(Array(reference[256..<(256 + speech.count)]) == expected)
        let modelSize = Int(hush_model_get_size(nil, 0))
        for offset in [0, 1, 3, 16, 63] {
            let modelBlock = Block(modelSize, offset: offset)
            let model = try Self.loadModel(into: modelBlock)
            let stateBlock = Block(Int(hush_state_get_size(model)), offset: (offset * 7) % 64)
            let state = try Self.initState(stateBlock, model)
            var out = [Float](repeating: 0, count: speech.count + 1024)
            let count = speech.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { Self.run(state, i, $0) } }
            #expect(count == referenceCount && count == speech.count + 256)
            #expect(out == reference, "offset \(offset)")
            #expect(stateBlock.canaryIntact(after: stateBlock.size) && modelBlock.canaryIntact(after: modelSize))
        }
    }

    @Test("two states in one buffer sharing one model run independently")
    func twoStates() throws {
        let speech = try CAPITests.speech()
        let other = speech.reversed().map { $0 * 0.5 }
        let modelBlock = Block(Int(hush_model_get_size(nil, 0)))
        let model = try Self.loadModel(into: modelBlock)
        let stateSize = Int(hush_state_get_size(model))

        // Alone, each in its own memory.
        func alone(_ signal: [Float], budget: Float) throws -> [Float] {
            let block = Block(stateSize)
            let state = try Self.initState(block, model, budget: budget)
            var out = [Float](repeating: 0, count: signal.count + 1024)
            let n = signal.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { Self.run(state, i, $0) } }
            return Array(out.prefix(n))
        }
        let aloneA = try alone(speech, budget: 1)
        let aloneB = try alone(other, budget: 0.25)

        // Together: one buffer holding both states, hops interleaved.
        let pair = Block(2 * stateSize)
        var a: OpaquePointer?, b: OpaquePointer?
        #expect(hush_init(pair.base, UInt(stateSize), model, 1, &a) == Self.ok)
        #expect(hush_init(pair.base + stateSize, UInt(stateSize), model, 0.25, &b) == Self.ok)
        let outA = UnsafeMutablePointer<Float>.allocate(capacity: speech.count + 1024)
        let outB = UnsafeMutablePointer<Float>.allocate(capacity: other.count + 1024)
        defer { outA.deallocate(); outB.deallocate() }
        let (capA, capB) = (speech.count + 1024, other.count + 1024)
        var (na, nb) = (0, 0)
        var written: UInt = 0
        var start = 0
        while start < speech.count {
            let n = min(300, speech.count - start)
            speech.withUnsafeBufferPointer { i in
                _ = hush_process(a, i.baseAddress! + start, UInt(n), outA + na, UInt(capA - na), &written)
            }
            na += Int(written)
            other.withUnsafeBufferPointer { i in
                _ = hush_process(b, i.baseAddress! + start, UInt(n), outB + nb, UInt(capB - nb), &written)
            }
            nb += Int(written)
            start += n
        }
        _ = hush_flush(a, outA + na, UInt(capA - na), &written); na += Int(written)
        _ = hush_flush(b, outB + nb, UInt(capB - nb), &written); nb += Int(written)
        #expect(Array(UnsafeBufferPointer(start: outA, count: na)) == aloneA)
        #expect(Array(UnsafeBufferPointer(start: outB, count: nb)) == aloneB)
        #expect(aloneA != aloneB)
        #expect(pair.canaryIntact(after: 2 * stateSize))
    }

    @Test("bad arguments return codes; hush_destroy never frees caller memory")
    func badArguments() throws {
        var model: OpaquePointer?
        var state: OpaquePointer?
        let junk: [UInt8] = Array("not a model at all, not even close to 28 bytes".utf8)
        #expect(junk.withUnsafeBufferPointer { hush_model_get_size($0.baseAddress, UInt($0.count)) } == 0)
        #expect(hush_model_get_size(nil, 5) == 0)
        let block = Block(Int(hush_model_get_size(nil, 0)))
        #expect(junk.withUnsafeBufferPointer { hush_model_init(block.base, UInt(block.size), $0.baseAddress, UInt($0.count), &model) } == Self.invalidModel)
        #expect(hush_model_init(nil, UInt(block.size), nil, 0, &model) == Self.invalidArgument && model == nil)
        #expect(hush_model_init(block.base, UInt(block.size), nil, 0, nil) == Self.invalidArgument)
        #expect(hush_state_get_size(nil) == 0)
        // Memory that is not a loaded model is refused, not trusted.
        #expect(hush_state_get_size(OpaquePointer(block.base)) == 0)
        #expect(hush_init(block.base, 1 << 20, OpaquePointer(block.base), 0, &state) == Self.invalidArgument)

        let m = try Self.loadModel(into: block)
        var len: UInt = 0
        let bundled = try #require(hush_bundled_model_data(&len))
        #expect(hush_model_get_size(bundled, len) == hush_model_get_size(nil, 0))
        #expect(hush_get_size(nil, 0) > hush_model_get_size(nil, 0) + hush_state_get_size(m))
        let stateBlock = Block(Int(hush_state_get_size(m)))
        for bad: Float in [.nan, 1.5, .infinity] {
            #expect(hush_init(stateBlock.base, UInt(stateBlock.size), m, bad, &state) == Self.invalidArgument && state == nil)
        }
        #expect(hush_init(nil, UInt(stateBlock.size), m, 0, &state) == Self.invalidArgument)
        #expect(hush_init(stateBlock.base, UInt(stateBlock.size), m, 0, nil) == Self.invalidArgument)
        let s = try Self.initState(stateBlock, m, budget: -3)
        #expect(hush_get_budget(s) == 1)  // <= 0: the model's default
        let s2 = try Self.initState(stateBlock, m, budget: 0.5)
        #expect(hush_get_budget(s2) == 0.5 && hush_sample_rate(s2) == 16_000 && hush_output_delay(s2) == 256)
        hush_destroy(s2)  // marks it dead; the block stays the caller's (freed by Block's deinit)
        var written: UInt = 0
        #expect(hush_process(s2, nil, 0, nil, 0, &written) == Self.invalidArgument)
        #expect(hush_get_budget(s2) == 0)
    }
}
