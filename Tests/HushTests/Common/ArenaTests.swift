import Hush
import Testing

@Suite("Arena: one carving code path for size queries and inits")
struct ArenaTests {
    @Test("carve-outs are 64-byte aligned at any alignment of the block; measuring counts the same bytes")
    func alignment() {
        var measure = Arena.measuring()
        _ = measure.take(Float.self, count: 3, for: .stft)
        _ = measure.take(Double.self, count: 5, for: .fft)
        _ = measure.take(UInt8.self, count: 1, for: .weights)
        #expect(measure.used == 64 + 64 + 1)
        #expect(measure.footprint.stft == 12 && measure.footprint.fftBuffers == 52 + 40)
        let size = Arena.requiredSize(measured: measure.used)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size + 64, alignment: 64)
        defer { raw.deallocate() }
        for offset in 0..<64 {
            var arena = Arena(memory: raw + offset, size: size)
            let a = arena.take(Float.self, count: 3, for: .stft)
            let b = arena.take(Double.self, count: 5, for: .fft)
            let c = arena.take(UInt8.self, count: 1, for: .weights)
            #expect(arena.canWrite && arena.used == measure.used)
            for p in [UnsafeRawPointer(a), UnsafeRawPointer(b), UnsafeRawPointer(c)] {
                #expect(UInt(bitPattern: p) % 64 == 0)
                #expect(p >= UnsafeRawPointer(raw + offset) && p < UnsafeRawPointer(raw + offset + size))
            }
        }
    }

    @Test("an arena that runs out of room overflows for good and hands out no pointer into the block")
    func overflow() {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 64)
        defer { raw.deallocate() }
        var arena = Arena(memory: raw, size: 100)
        _ = arena.take(Float.self, count: 16, for: .stft)
        #expect(arena.canWrite)
        let p = arena.take(Float.self, count: 16, for: .stft)
        #expect(!arena.canWrite && arena.overflowed)
        #expect(UnsafeRawPointer(p) < UnsafeRawPointer(raw) || UnsafeRawPointer(p) >= UnsafeRawPointer(raw + 100))
        _ = arena.take(Float.self, count: 1, for: .stft)
        #expect(!arena.canWrite)
        var tiny = Arena(memory: raw + 1, size: 10)  // less than the realignment
        #expect(!tiny.canWrite)
        _ = tiny.take(UInt8.self, count: 1, for: .fft)
        #expect(!tiny.canWrite)
    }

    @Test("MemoryFootprint is what the model and state inits measure (no second formula)")
    func footprintIsTheMeasurement() throws {
        let model = try Model.bundled()
        let footprint = MemoryFootprint(configuration: model.configuration)
        let file = try ModelFile(bytes: Model.bundledFileBytes)
        #expect(try ModelImage.requiredBytes(file) == Arena.requiredSize(measured: footprint.model))
        #expect(DenoiserState.requiredBytes(model: model.image) == Arena.requiredSize(measured: footprint.state))
        #expect(try DenoiserState.requiredBytes(file: file) == DenoiserState.requiredBytes(model: model.image))
        #expect(footprint.total == footprint.model + footprint.state)
        // The weights themselves, plus no more than the tables and 64-byte padding per tensor.
        let c = model.configuration
        #expect(footprint.weights >= c.weightCount * 4)
        #expect(footprint.weights <= c.weightCount * 4 + (4 + 12 * c.blocks + 8) * 64 + 2 * c.blocks * 128)
        print("memory: model arena \(footprint.model) bytes, state arena \(footprint.state) bytes "
              + "(network state \(footprint.networkState), network scratch \(footprint.networkScratch), "
              + "STFT \(footprint.stft), FFT \(footprint.fftBuffers))")
    }
}
