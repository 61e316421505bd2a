/// A rectangle in image pixels.
public struct PixelRect: Sendable, Equatable {
    /// Left edge.
    public var x: Int
    /// Top edge.
    public var y: Int
    /// Width.
    public var width: Int
    /// Height.
    public var height: Int
}

/// The panels of a denoising figure, top to bottom, and where each one landed in the image.
public struct FigureLayout: Sendable, Equatable {
    /// One labelled panel.
    public enum Panel: String, Sendable, CaseIterable {
        /// Noisy input spectrogram.
        case noisy
        /// Enhanced (masked) spectrogram.
        case enhanced
        /// Predicted mask.
        case mask
        /// Channel activity: gated blocks × channels × time.
        case activity
        /// Executed-MAC fraction over time.
        case executedMACs
    }

    /// Image width.
    public var width: Int
    /// Image height.
    public var height: Int
    /// The data area of every panel (labels and axes lie outside it).
    public var panels: [Panel: PixelRect]

    /// Left margin (frequency and block labels).
    static let left = 72
    /// Right margin.
    static let right = 16
    /// Title band at the top.
    static let title = 34
    /// Space above each panel for its caption.
    static let caption = 16
    /// Space below the last panel for the time axis.
    static let bottom = 40
    /// Rows per gated block in the activity map.
    static let blockRows = 64
    /// Gap between blocks in the activity map.
    static let blockGap = 3

    /// Lays out the panels for a plot area `plotWidth` pixels wide and `blocks` gated blocks.
    init(plotWidth: Int, blocks: Int) {
        let heights: [(Panel, Int)] = [
            (.noisy, 160), (.enhanced, 160), (.mask, 96),
            (.activity, blocks * Self.blockRows + (blocks - 1) * Self.blockGap), (.executedMACs, 96),
        ]
        var y = Self.title
        var panels: [Panel: PixelRect] = [:]
        for (panel, h) in heights {
            y += Self.caption
            panels[panel] = PixelRect(x: Self.left, y: y, width: plotWidth, height: h)
            y += h + 6
        }
        width = Self.left + plotWidth + Self.right
        height = y + Self.bottom
        self.panels = panels
    }
}
