import FuzzDriver
import Hush

/// Any bytes as a model file: must load or throw `HushError`, never crash or read out of bounds
/// (AddressSanitizer watches). A model that loads must also run a frame.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let model = try? Model(bytes: bytes),
          let denoiser = try? Denoiser(model: model) else { return 0 }
    let input = [Float](repeating: 0.1, count: model.configuration.stft.frameLength)
    var output = [Float](repeating: 0, count: model.configuration.stft.frameLength)
    input.withUnsafeBufferPointer { i in
        output.withUnsafeMutableBufferPointer { o in _ = try? denoiser.process(i, into: o) }
    }
    precondition(output.allSatisfy { $0.isFinite && abs($0) <= 1 }, "non-finite output")
    return 0
}

@_cdecl("FuzzModelFile_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { fuzzModelFile($0, $1) }
}
