import FuzzDriver
import Hush

/// Any bytes as a model file: must load or throw `HushError`, never crash or read out of bounds
/// (AddressSanitizer watches). A model that loads must also run a frame. Each input is tried as
/// given and with its trailing CRC recomputed, so mutations reach the structure checks behind
/// the checksum instead of all stopping at it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var resealed = Array(UnsafeBufferPointer(start: data, count: size))
    if size >= 4 {
        let crc = CRC32.checksum(UnsafeRawBufferPointer(start: data, count: size - 4))
        for i in 0..<4 { resealed[size - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
    }
    _ = try? Model(bytes: UnsafeRawBufferPointer(start: data, count: size))
    guard let model = resealed.withUnsafeBytes({ try? Model(bytes: $0) }),
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
