// The C maths library without Foundation: the core must link into firmware. Imports are
// file-local in Swift, so the functions the core needs are re-exposed here under one name.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementary functions from the platform's C maths library.
enum LibM {
    @inline(__always) static func cos(_ x: Double) -> Double { _cos(x) }
    @inline(__always) static func sin(_ x: Double) -> Double { _sin(x) }
    @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
}

@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { sin(x) }
