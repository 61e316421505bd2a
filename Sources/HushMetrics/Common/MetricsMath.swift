// The C maths library without Foundation: metrics must stay usable wherever the core links.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementary functions the metrics need, re-exposed because imports are file-local in Swift.
enum MetricsMath {
    @inline(__always) static func log10(_ x: Double) -> Double { _log10(x) }
    @inline(__always) static func exp(_ x: Double) -> Double { _exp(x) }
    @inline(__always) static func log(_ x: Double) -> Double { _log(x) }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { _pow(x, y) }
    @inline(__always) static func sin(_ x: Double) -> Double { _sin(x) }
    @inline(__always) static func cos(_ x: Double) -> Double { _cos(x) }
    @inline(__always) static func log10f(_ x: Float) -> Float { _log10f(x) }
    @inline(__always) static func powf(_ x: Float, _ y: Float) -> Float { _powf(x, y) }
    @inline(__always) static func expf(_ x: Float) -> Float { _expf(x) }
}

@inline(__always) private func _log10(_ x: Double) -> Double { log10(x) }
@inline(__always) private func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func _log10f(_ x: Float) -> Float { log10f(x) }
@inline(__always) private func _powf(_ x: Float, _ y: Float) -> Float { powf(x, y) }
@inline(__always) private func _expf(_ x: Float) -> Float { expf(x) }
