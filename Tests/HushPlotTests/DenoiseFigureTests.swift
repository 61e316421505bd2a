import Foundation
import Hush
import HushAudio
import HushPlot
import Testing

/// Renders the figure of the noisy fixture, writes it with libpng, reads it back with libpng and
/// checks the size and that every panel, the activity map above all, actually shows something.
@Suite("hush plot figure")
struct DenoiseFigureTests {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static func fixtureTrace() throws -> DenoiseTrace {
        let audio = try AudioReader.read(path: repositoryRoot + "/audio-fixtures/noisy-speech-16k.wav")
        #expect(audio.sampleRate == 16_000)
        return try DenoiseTrace.run(model: Model.bundled(), signal: audio.downmixedToMono()).trace
    }

    /// Distinct colours inside a rectangle.
    static func distinctColours(_ image: RGBImage, _ r: PixelRect) -> Int {
        var seen = Set<Int>()
        for y in r.y..<(r.y + r.height) {
            for x in r.x..<(r.x + r.width) {
                let p = image.pixel(x: x, y: y)
                seen.insert(Int(p.r) << 16 | Int(p.g) << 8 | Int(p.b))
            }
        }
        return seen.count
    }

    @Test("the PNG decodes with libpng to the laid-out size, and no panel is blank")
    func rendersFixture() throws {
        let trace = try Self.fixtureTrace()
        #expect(trace.frames == 40_000 / 256 + 1 || trace.frames == 40_000 / 256 + 2)
        let (image, layout) = try DenoiseFigure.render(trace, title: "noisy-speech-16k.wav", plotWidth: 600)
        #expect(image.width == layout.width && image.height == layout.height)

        let path = NSTemporaryDirectory() + "hush-plot-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PNGFile.write(image, to: path)
        let decoded = try PNGFile.read(path: path)
        #expect(decoded.width == layout.width)
        #expect(decoded.height == layout.height)
        #expect(decoded == image)

        for panel in FigureLayout.Panel.allCases {
            let rect = try #require(layout.panels[panel])
            #expect(Self.distinctColours(decoded, rect) > 2, "panel \(panel) is blank")
        }
        // Activity map: both computed and skipped channels appear (the gates choose).
        let activity = try #require(layout.panels[.activity])
        var dark = 0, light = 0
        for y in activity.y..<(activity.y + activity.height) {
            for x in activity.x..<(activity.x + activity.width) {
                let p = decoded.pixel(x: x, y: y)
                if p == ColorMap.activity.color(1) { dark += 1 }
                if p == ColorMap.activity.color(0) { light += 1 }
            }
        }
        #expect(dark > 100 && light > 100, "activity map: \(dark) on, \(light) off pixels")
    }

    @Test("the trace agrees with the network's own MAC totals")
    func traceTotals() throws {
        let trace = try Self.fixtureTrace()
        #expect(trace.executedMACs > 0 && trace.executedMACs <= trace.denseMACs * 2)
        let computed = trace.activeCount.reduce(0) { $0 + Int($1) }
        #expect(computed > 0 && computed < trace.frames * trace.blocks * trace.channels)
        #expect(trace.framesInSlot.reduce(0, +) == trace.frames)
    }

    @Test("a trace pooled per pixel column draws the figure the per-frame trace draws, in fixed memory")
    func pooledTrace() throws {
        let audio = try AudioReader.read(path: Self.repositoryRoot + "/audio-fixtures/noisy-speech-16k.wav")
        let signal = audio.downmixedToMono() + audio.downmixedToMono()  // 5 s: 314 frames > 200 columns
        let perFrame = try DenoiseTrace.run(model: Model.bundled(), signal: signal).trace
        let pooled = try DenoiseTrace.run(model: Model.bundled(), signal: signal, maximumSlots: 200).trace
        #expect(perFrame.slotCount >= perFrame.frames && pooled.slotCount == 200)
        #expect(pooled.frames == perFrame.frames && pooled.executedMACs == perFrame.executedMACs)
        let a = try DenoiseFigure.render(perFrame, title: "x", plotWidth: 200).image
        let b = try DenoiseFigure.render(pooled, title: "x", plotWidth: 200).image
        // Mean pools sum in another order (slots first), so a rare pixel may round differently.
        var differing = 0
        for y in 0..<a.height { for x in 0..<a.width where a.pixel(x: x, y: y) != b.pixel(x: x, y: y) { differing += 1 } }
        #expect(differing * 1000 < a.width * a.height, "\(differing) pixels differ")
        // The trace's size depends on the slot count, not on the length.
        let huge = DenoiseTrace(configuration: try Model.bundled().configuration, budget: 1, channelCap: 256,
                                expectedFrames: 10_000_000, maximumSlots: 300)
        #expect(huge.slotCount == 300 && huge.activeCount.count == 300 * huge.blocks * huge.channels)
    }

    @Test("reading a file that is not a PNG fails with libpng's message")
    func badPNG() throws {
        let path = NSTemporaryDirectory() + "hush-plot-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PlotError.self) { try PNGFile.read(path: path) }
    }
}
