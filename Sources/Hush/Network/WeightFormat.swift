/// How a model's weight matrices are stored (training/FORMAT.md, "int8 weights"). Biases, PReLU
/// slopes and everything else are float32 in both.
public enum WeightFormat: Sendable, Equatable {
    /// float32 matrices (format version 1).
    case float32
    /// int8 matrices (format version 2): `frontend.weight`, `backend.weight`, `gate.w1`,
    /// `pw1.weight` and `pw2.weight` with one float32 scale per output channel; `gate.w2` and
    /// `dw.weight` without (the exporter folded their scales into `gate.w1` and `pw1`).
    case int8

    /// Bytes of one matrix element.
    public var elementBytes: Int { self == .float32 ? 4 : 1 }

    /// The tensor dtype code of the matrices in the file (FORMAT.md: 0 = f32, 1 = i8).
    var dtypeCode: UInt8 { self == .float32 ? 0 : 1 }
}
