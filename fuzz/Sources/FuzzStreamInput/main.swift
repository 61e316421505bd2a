import FuzzDriver
import Hush

/// The streaming path with hostile input: the first byte picks the budget, the next bytes the
/// chunk sizes, the rest are raw float bit patterns (NaN, Inf, subnormals, huge values all occur).
/// Output must stay finite and within ±1, and output counts must match the contract.
nonisolated(unsafe) private var denoiser: Denoiser? = {
    guard let model = try? Model.bundled() else { return nil }
    return try? Denoiser(model: model)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStreamInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 8, let denoiser else { return 0 }
    denoiser.reset()
    try? denoiser.network?.setBudget(Float(data[0] % 100 + 1) / 100)
    let chunkSeeds = (1..<8).map { Int(data[$0]) * 3 + 1 }
    let floats = (size - 8) / 4
    var samples = [Float](repeating: 0, count: floats)
    for i in 0..<floats {
        var bits: UInt32 = 0
        for b in 0..<4 { bits |= UInt32(data[8 + 4 * i + b]) << (8 * UInt32(b)) }
        samples[i] = Float(bitPattern: bits)
    }
    var output = [Float](repeating: 0, count: floats + denoiser.maximumFinishCount)
    var written = 0
    samples.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out in
            var at = 0, k = 0
            while at < input.count {
                let end = min(at + chunkSeeds[k % chunkSeeds.count], input.count)
                let expected = denoiser.outputCount(forInputCount: end - at)
                let n = (try? denoiser.process(UnsafeBufferPointer(rebasing: input[at..<end]),
                                               into: UnsafeMutableBufferPointer(rebasing: out[written...]))) ?? -1
                precondition(n == expected, "output count contract broken")
                written += n
                at = end
                k += 1
            }
            written += (try? denoiser.finish(into: UnsafeMutableBufferPointer(rebasing: out[written...]))) ?? 0
        }
    }
    precondition(written == floats + denoiser.outputDelay, "finish did not drain exactly")
    precondition(output[0..<written].allSatisfy { $0.isFinite && abs($0) <= 1 }, "bad output sample")
    return 0
}

@_cdecl("FuzzStreamInput_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { fuzzStreamInput($0, $1) }
}
