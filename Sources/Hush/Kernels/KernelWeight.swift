import CKernelSupport

/// An element type the kernels read weight matrices in: `Float` (format version 1) or `Int8`
/// (version 2, training/FORMAT.md "int8 weights"). Both widen exactly to `Float`, and the
/// kernels accumulate in `Float`, so one generic kernel serves both; an int8 row's scale, where
/// the format stores one, is applied by the caller of the dot product, not here.
public protocol KernelWeight {
    /// The value as a `Float` (exact for both conforming types).
    var kernelValue: Float { get }
    /// Eight consecutive values from `p + i` (any alignment), widened.
    static func load8(_ p: UnsafePointer<Self>, _ i: Int) -> SIMD8<Float>
}

extension Float: KernelWeight {
    @inline(__always)
    public var kernelValue: Float { self }

    /// On 32-bit ARM (the Cortex-M firmware), eight aligned scalar loads: an unaligned float there
    /// becomes an integer load plus a move to the FPU, two instructions where an aligned `vldr` is
    /// one (measured on the M7 with `store8` likewise: 1.39 M instead of 1.77 M instructions per
    /// frame at b = 1). On the hosts one unaligned vector load: x86-64's compiler does not merge
    /// the scalar loads (measured: 37–39 instead of 22 µs per frame).
    @inline(__always)
    public static func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        #if arch(arm)
        let q = p + i
        return SIMD8<Float>(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7])
        #else
        return UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        #endif
    }
}

/// `kernelValue` goes through `Int`, the target's native width: one sign-extend and one
/// integer-to-float instruction, while `Float(q)` for an `Int8` takes the generic
/// `BinaryInteger` path through `Int64` (a library call per value on a 32-bit Cortex-M7).
/// `load8` is one C vector conversion (`hush_widen8`).
extension Int8: KernelWeight {
    @inline(__always)
    public var kernelValue: Float { Float(Int(self)) }

    @inline(__always)
    public static func load8(_ p: UnsafePointer<Int8>, _ i: Int) -> SIMD8<Float> {
        hush_widen8(p + i)
    }
}
