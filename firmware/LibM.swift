// The core's LibM for bare-metal targets (no Glibc module there): the C maths functions it uses,
// from firmware/libm.h (module CFirmwareMath), which newlib's libm defines. Replaces
// Sources/Hush/Common/LibM.swift in firmware/build.sh and firmware-notes/embedded-check.sh.
import CFirmwareMath

enum LibM {
    @inline(__always) static func cos(_ x: Double) -> Double { CFirmwareMath.cos(x) }
    @inline(__always) static func sin(_ x: Double) -> Double { CFirmwareMath.sin(x) }
    @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
}
