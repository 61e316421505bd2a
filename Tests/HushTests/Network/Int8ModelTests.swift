import Foundation
@testable import Hush
import Testing

/// The int8 model file (training/FORMAT.md, "int8 weights"; made by training/quantize.py from the
/// bundled float32 model): it loads as int8, is as small as issue #18 asks, computes what the
/// float model computes up to rounding, and its malformed variants are refused with clear errors.
@Suite("int8 weights")
struct Int8ModelTests {
    static let path = "models/hush-default-int8.hush"

    @Test("the int8 file: same architecture, ≤ 512 KB, a quarter of the float arena")
    func loads() throws {
        let bytes = try Fixtures.bytes(Self.path)
        let int8 = try Model.load(bytes)
        let float = try Model.bundled()
        #expect(int8.configuration.weightFormat == .int8 && float.configuration.weightFormat == .float32)
        var shape = int8.configuration.shape
        shape.weightFormat = .float32
        #expect(shape == float.configuration.shape)
        #expect(int8.configuration.dilations == float.configuration.dilations)
        #expect(bytes.count <= 512_000, "int8 model file is \(bytes.count) bytes")
        // Matrices at one byte, vectors and the per-output-channel scales at four.
        let c = int8.configuration.shape
        #expect(int8.weightBytes == c.matrixWeightCount + 4 * (c.weightCount - c.matrixWeightCount + c.scaleCount))
        #expect(Double(int8.weightBytes) < 0.3 * Double(float.weightBytes))
        // The arena the model is loaded into (what a device reserves) shrinks with it.
        func arenaBytes(_ file: [UInt8]) throws -> Int {
            try file.withUnsafeBytes { raw throws(HushError) in try ModelImage.requiredBytes(ModelFile(bytes: raw)) }
        }
        let int8Arena = try arenaBytes(bytes), floatArena = try arenaBytes(Fixtures.modelBytes())
        #expect(Double(int8Arena) < 0.3 * Double(floatArena))
    }

    /// `bytes` with the tensor table entry named `name` found and `edit` applied to the whole
    /// buffer at the entry's name offset, then resealed.
    static func edited(_ bytes: [UInt8], name: String, _ edit: (inout [UInt8], Int) -> Void) throws -> [UInt8] {
        let needle = Array(name.utf8)
        // The name occurs in the tensor table behind its u16 length; take the exact-length entry.
        func isEntry(_ i: Int) -> Bool {
            guard i >= 2, Array(bytes[i..<(i + needle.count)]) == needle else { return false }
            let length = Int(bytes[i - 2]) | Int(bytes[i - 1]) << 8
            return length == needle.count
        }
        let found = (0..<(bytes.count - needle.count)).first(where: isEntry)
        let at = try #require(found)
        var b = bytes
        edit(&b, at)
        return ModelLoadingTests.resealed(b)
    }

    @Test("refused: int8 in a version-1 file, a missing scale, a float matrix among int8 ones, −128")
    func malformed() throws {
        let good = try Fixtures.bytes(Self.path)
        #expect(ModelLoadingTests.failure(good) == nil)
        var v1 = good
        v1[8] = 1
        #expect(ModelLoadingTests.failure(ModelLoadingTests.resealed(v1))?.contains("unknown dtype 1") == true)

        // Rename the scale ("…scale" → "…scalX"): the loader must miss it, not read garbage.
        let renamed = try Self.edited(good, name: "block.4.pw1.weight.scale") { b, at in
            b[at + "block.4.pw1.weight.scal".utf8.count] = UInt8(ascii: "X")
        }
        #expect(ModelLoadingTests.failure(renamed)?.contains("tensor 'block.4.pw1.weight.scale' missing") == true)

        // An int8 file whose first matrix is float32 is a float model: its other matrices are then
        // the wrong type. (Only the dtype byte changes, so the byte count no longer matches: also
        // refused, before the type check; either way it is an error naming the tensor.)
        let mixed = try Self.edited(good, name: "block.0.gate.w2") { b, at in
            b[at + "block.0.gate.w2".utf8.count] = 0
        }
        #expect(ModelLoadingTests.failure(mixed)?.contains("block.0.gate.w2") == true)

        // −128 has no positive twin: symmetric int8 stops at ±127.
        let container = try good.withUnsafeBytes { raw throws(HushError) in try ModelContainer(bytes: raw) }
        let entry = try #require(container.tensors["block.2.dw.weight"])
        var minimum = good
        minimum[entry.offset + 5] = 0x80
        #expect(ModelLoadingTests.failure(ModelLoadingTests.resealed(minimum))?.contains("−128") == true)
    }

    @Test("int8 and float networks agree up to the weights' rounding", arguments: [KernelChoice.fast, .reference])
    func closeToFloat(kernels: KernelChoice) throws {
        let speech = Array(try Fixtures.realSpeech().prefix(16_000 * 3))
        let float = try Denoiser(model: Model.bundled(), kernels: kernels).denoise(speech)
        let int8 = try Denoiser(model: Model.load(Fixtures.bytes(Self.path)), kernels: kernels).denoise(speech)
        var error: Double = 0, energy: Double = 0
        for (a, b) in zip(int8, float) {
            error += Double((a - b) * (a - b))
            energy += Double(b * b)
        }
        let snr = 10 * log10(energy / max(error, 1e-30))
        // Rounding to 8 bits moves the output by far less than the noise the model removes, but
        // does move it: a result identical to the float model's would mean the int8 path never ran.
        #expect(snr > 25 && error > 0, "int8 vs float output SNR \(snr) dB")
    }
}
