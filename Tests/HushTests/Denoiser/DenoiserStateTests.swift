import AllocationCounter
import Hush
import Testing

@Suite("DenoiserState in caller memory")
struct DenoiserStateTests {
    @Test("a model and a state built in caller memory denoise like Denoiser, and their inits allocate nothing",
          .enabled(if: hush_allocation_counting_available() == 1, "a sanitizer owns malloc"))
    func callerMemory() throws {
        let speech = try Fixtures.realSpeech()
        let expected = try Denoiser(model: try Model.bundled(), budget: 0.5).denoise(speech)  // warms FFTW's plan
        let file = try ModelFile(bytes: Model.bundledFileBytes)
        let modelSize = try ModelImage.requiredBytes(file)
        let modelMemory = UnsafeMutableRawPointer.allocate(byteCount: modelSize, alignment: 1)
        defer { modelMemory.deallocate() }
        let probe = try ModelImage.initialize(memory: modelMemory, size: modelSize, file: file)
        let stateSize = DenoiserState.requiredBytes(model: probe)
        let stateMemory = UnsafeMutableRawPointer.allocate(byteCount: stateSize, alignment: 1)
        defer { stateMemory.deallocate() }
        var output = [Float](repeating: 0, count: speech.count + 1024)
        var allocations = -1
        var written = 0
        for pass in 0..<2 {  // the first pass instantiates the runtime's lazy metadata
            try speech.withUnsafeBufferPointer { input in
                try output.withUnsafeMutableBufferPointer { out in
                    if pass == 1 { hush_allocation_counting_begin() }
                    let model = try ModelImage.initialize(memory: modelMemory, size: modelSize, file: file)
                    let state = try DenoiserState.initialize(memory: stateMemory, size: stateSize,
                                                             model: model, budget: 0.5)
                    written = try state.pointee.process(input, into: out)
                    written += try state.pointee.finish(into: UnsafeMutableBufferPointer(rebasing: out[written...]))
                    if pass == 1 { allocations = hush_allocation_counting_end() }
                }
            }
        }
        #expect(allocations == 0)
        #expect(written == speech.count + 256)
        #expect(Array(output[256..<(256 + speech.count)]) == expected)
    }

    @Test("too little memory is a bufferTooSmall error, before anything is written")
    func tooSmall() throws {
        let model = try Model.bundled()
        let needed = DenoiserState.requiredBytes(model: model.image)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: needed, alignment: 64)
        defer { memory.deallocate() }
        #expect(throws: HushError.bufferTooSmall(needed: needed, given: needed - 1)) {
            try DenoiserState.initialize(memory: memory, size: needed - 1, model: model.image, budget: nil)
        }
        #expect(throws: HushError.self) {
            try DenoiserState.initialize(memory: memory, size: needed, model: model.image, budget: 2)
        }
    }
}
