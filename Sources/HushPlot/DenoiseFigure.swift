import Foundation

/// Draws a `DenoiseTrace` as one figure, the DynCP paper's Figure 1 for the user's own file:
/// noisy and enhanced spectrograms, the predicted mask, the channel-activity map (gated blocks ×
/// channels × time, on/off) and the executed-MAC fraction over time, on one shared time axis.
public enum DenoiseFigure {
    /// Dynamic range of the spectrograms, dB below the loudest noisy bin.
    public static let decibelRange: Float = 80

    /// Renders the figure. Long files are summarised per pixel column (spectrogram: loudest
    /// value; mask, activity and MACs: mean), short ones stretched.
    /// - Parameters:
    ///   - title: the first words of the title line (e.g. the file name).
    ///   - plotWidth: width of the data area in pixels.
    /// - Throws: `PlotError.empty` for a trace with no frames.
    public static func render(_ trace: DenoiseTrace, title: String,
                              plotWidth: Int = 1000) throws(PlotError) -> (image: RGBImage, layout: FigureLayout) {
        guard trace.frames > 0 else { throw .empty }
        let layout = FigureLayout(plotWidth: plotWidth, blocks: trace.blocks)
        var image = RGBImage(width: layout.width, height: layout.height)
        let columns = ColumnMap(frames: max(1, trace.usedSlots), columns: plotWidth)
        let seconds = Double(trace.frames) / trace.framesPerSecond

        BitmapFont.draw(title, x: FigureLayout.left, y: 8, scale: 2, into: &image)
        let details = "\(fixed(seconds, 2)) S, \(trace.frames) FRAMES   BUDGET \(fixed(Double(trace.budget), 2)) "
            + "(CAP \(trace.channelCap)/\(trace.channels) CHANNELS PER BLOCK)   EXECUTED "
            + "\(fixed(trace.meanExecutedFraction * 100, 1))% OF DENSE MACS"
        BitmapFont.draw(details, x: FigureLayout.left + BitmapFont.width(of: title, scale: 2) + 18, y: 15,
                        into: &image)

        let top = trace.peakNoisyDecibels.isFinite ? trace.peakNoisyDecibels : 0
        let floor = top - decibelRange
        func spectrogramValue(_ db: Float) -> Float { (db - floor) / decibelRange }
        drawSpectrogram(trace.noisyDecibels, trace: trace, columns: columns, rect: layout.panels[.noisy]!,
                        caption: "NOISY INPUT: POWER, \(Int(decibelRange)) DB RANGE", map: .magma,
                        pool: .maximum, transform: spectrogramValue, into: &image)
        drawSpectrogram(trace.enhancedDecibels, trace: trace, columns: columns, rect: layout.panels[.enhanced]!,
                        caption: "ENHANCED OUTPUT: SAME SCALE", map: .magma,
                        pool: .maximum, transform: spectrogramValue, into: &image)
        drawSpectrogram(trace.maskSum, trace: trace, columns: columns, rect: layout.panels[.mask]!,
                        caption: "PREDICTED MASK: 0 (DARK) TO 1 (YELLOW)", map: .viridis,
                        pool: .mean, transform: { $0 }, into: &image)
        drawActivity(trace, columns: columns, rect: layout.panels[.activity]!, into: &image)
        drawExecutedFraction(trace, columns: columns, rect: layout.panels[.executedMACs]!, into: &image)
        drawTimeAxis(seconds: seconds, under: layout.panels[.executedMACs]!, into: &image)
        return (image, layout)
    }

    /// How the trace's slots (frames, or pooled frames for a long run) map to pixel columns.
    struct ColumnMap {
        let frames: Int
        let columns: Int
        /// The frames summarised by column `c` (never empty).
        func range(_ c: Int) -> Range<Int> {
            let start = min(c * frames / columns, frames - 1)
            return start..<max(start + 1, (c + 1) * frames / columns)
        }
    }

    enum Pool { case maximum, mean }

    static func drawSpectrogram(_ values: [Float], trace: DenoiseTrace, columns: ColumnMap, rect: PixelRect,
                                caption: String, map: ColorMap, pool: Pool,
                                transform: (Float) -> Float, into image: inout RGBImage) {
        BitmapFont.draw(caption, x: rect.x, y: rect.y - 11, into: &image)
        let bins = trace.bins
        for c in 0..<rect.width {
            let frames = columns.range(c)
            for r in 0..<rect.height {
                // Row 0 is the top: the highest frequencies.
                let b0 = (rect.height - 1 - r) * bins / rect.height
                let b1 = max(b0 + 1, (rect.height - r) * bins / rect.height)
                // Maximum: of the slots' loudest values. Mean: the slots hold sums of
                // `framesInSlot` frames each.
                var acc: Float = pool == .maximum ? -.infinity : 0
                var count = 0
                for f in frames {
                    count += trace.framesInSlot[f]
                    for b in b0..<b1 {
                        let v = values[f * bins + b]
                        acc = pool == .maximum ? max(acc, v) : acc + v
                    }
                }
                if pool == .mean { acc /= Float(max(1, count) * (b1 - b0)) }
                image.set(x: rect.x + c, y: rect.y + r, map.color(transform(acc)))
            }
        }
        image.frame(x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2, color: .grey)
        // Frequency labels: Nyquist at the top, 0 at the bottom, the middle between.
        let nyquistKHz = Double(trace.sampleRate) / 2000
        let labels = [(0.0, "0"), (0.5, "\(fixed(nyquistKHz / 2, 0))K"), (1.0, "\(fixed(nyquistKHz, 0))KHZ")]
        for (position, text) in labels {
            let y = rect.y + rect.height - 1 - Int(position * Double(rect.height - 1))
            image.fill(x: rect.x - 5, y: y, width: 4, height: 1, color: .black)
            BitmapFont.draw(text, x: rect.x - 8 - BitmapFont.width(of: text), y: max(y - 3, rect.y - 3), into: &image)
        }
    }

    static func drawActivity(_ trace: DenoiseTrace, columns: ColumnMap, rect: PixelRect,
                             into image: inout RGBImage) {
        BitmapFont.draw("CHANNEL ACTIVITY: \(trace.blocks) GATED BLOCKS X \(trace.channels) CHANNELS "
                        + "(DARK = COMPUTED, LIGHT = SKIPPED)", x: rect.x, y: rect.y - 11, into: &image)
        let rows = FigureLayout.blockRows
        let C = trace.channels
        for block in 0..<trace.blocks {
            let y0 = rect.y + block * (rows + FigureLayout.blockGap)
            for c in 0..<rect.width {
                let frames = columns.range(c)
                for r in 0..<rows {
                    let ch0 = r * C / rows, ch1 = max(ch0 + 1, (r + 1) * C / rows)
                    var on = 0, count = 0
                    for f in frames {
                        count += trace.framesInSlot[f]
                        let row = (f * trace.blocks + block) * C
                        for ch in ch0..<ch1 { on += Int(trace.activeCount[row + ch]) }
                    }
                    let fraction = Float(on) / Float(max(1, count) * (ch1 - ch0))
                    image.set(x: rect.x + c, y: y0 + r, ColorMap.activity.color(fraction))
                }
            }
            image.frame(x: rect.x - 1, y: y0 - 1, width: rect.width + 2, height: rows + 2, color: .grey)
            BitmapFont.draw("B\(block)", x: rect.x - 30, y: y0 + rows / 2 - 7, scale: 2, into: &image)
        }
    }

    static func drawExecutedFraction(_ trace: DenoiseTrace, columns: ColumnMap, rect: PixelRect,
                                     into image: inout RGBImage) {
        BitmapFont.draw("EXECUTED MACS / DENSE MACS PER FRAME (GATES INCLUDED); DASHED: DENSE = 1",
                        x: rect.x, y: rect.y - 11, into: &image)
        let peak = Double(trace.peakExecutedFraction)
        let yMax = max(1.0, (peak * 10).rounded(.up) / 10)
        func y(_ v: Double) -> Int { rect.y + rect.height - 1 - Int((v / yMax) * Double(rect.height - 1)) }
        image.frame(x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2, color: .grey)
        for x in stride(from: 0, to: rect.width, by: 8) {
            image.fill(x: rect.x + x, y: y(1), width: 4, height: 1, color: .grey)
        }
        for v in [0.0, 0.5, 1.0] {
            let text = fixed(v, 1)
            image.fill(x: rect.x - 5, y: y(v), width: 4, height: 1, color: .black)
            BitmapFont.draw(text, x: rect.x - 8 - BitmapFont.width(of: text), y: y(v) - 3, into: &image)
        }
        var previous: (x: Int, y: Int)?
        for c in 0..<rect.width {
            let frames = columns.range(c)
            let sum = frames.reduce(0.0) { $0 + trace.executedFractionSum[$1] }
            let mean = sum / Double(max(1, frames.reduce(0) { $0 + trace.framesInSlot[$1] }))
            let point = (x: rect.x + c, y: y(mean))
            if let p = previous { image.line(from: p, to: point, color: RGB(200, 30, 30), thickness: 2) }
            previous = point
        }
    }

    static func drawTimeAxis(seconds: Double, under rect: PixelRect, into image: inout RGBImage) {
        let steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200]
        let step = steps.first { seconds / $0 <= 10 } ?? 3600
        let yAxis = rect.y + rect.height + 2
        var t = 0.0
        while t <= seconds + 1e-9 {
            let x = rect.x + Int(t / seconds * Double(rect.width - 1))
            image.fill(x: x, y: yAxis, width: 1, height: 5, color: .black)
            let text = step < 1 ? fixed(t, 1) : fixed(t, 0)
            BitmapFont.draw(text, x: x - BitmapFont.width(of: text) / 2, y: yAxis + 8, into: &image)
            t += step
        }
        let label = "TIME (S)"
        BitmapFont.draw(label, x: rect.x + rect.width / 2 - BitmapFont.width(of: label), y: yAxis + 20,
                        scale: 2, into: &image)
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
