/// Perceptually ordered colour maps for values in [0, 1].
public enum ColorMap: Sendable {
    /// Dark purple → orange → pale yellow (a magma-like ramp), for spectrograms.
    case magma
    /// Dark blue → green → yellow (a viridis-like ramp), for the mask.
    case viridis
    /// Off-white (off) → dark blue (on), for channel activity.
    case activity

    /// The colour of `value`, clamped to [0, 1]; NaN draws as the lowest colour.
    public func color(_ value: Float) -> RGB {
        let stops = self.stops
        let v = value.isNaN ? 0 : min(max(value, 0), 1)
        let position = v * Float(stops.count - 1)
        let i = min(Int(position), stops.count - 2)
        let t = position - Float(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ p: UInt8, _ q: UInt8) -> UInt8 {
            UInt8((Float(p) + (Float(q) - Float(p)) * t).rounded())
        }
        return RGB(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b))
    }

    private var stops: [RGB] {
        switch self {
        case .magma:
            [RGB(0, 0, 4), RGB(40, 11, 84), RGB(101, 21, 110), RGB(159, 42, 99),
             RGB(212, 72, 66), RGB(245, 125, 21), RGB(250, 193, 39), RGB(252, 255, 164)]
        case .viridis:
            [RGB(68, 1, 84), RGB(59, 82, 139), RGB(33, 145, 140), RGB(94, 201, 98), RGB(253, 231, 37)]
        case .activity:
            [RGB(245, 245, 240), RGB(20, 40, 120)]
        }
    }
}
