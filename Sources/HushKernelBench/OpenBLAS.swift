#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS, loaded at run time with `dlopen` so that the package itself never depends on it:
/// only this benchmark uses it, as the practical ceiling for matrix–vector work on this CPU.
struct OpenBLAS {
    typealias Sgemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float,
                                      UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
                                      Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias Sgemv = @convention(c) (Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float,
                                      UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias GetConfig = @convention(c) () -> UnsafePointer<CChar>?

    private let sgemmFunction: Sgemm
    private let sgemvFunction: Sgemv
    /// OpenBLAS's own description of its build (version, kernel set).
    let configuration: String

    private static let rowMajor: Int32 = 101, noTranspose: Int32 = 111

    /// Loads `libopenblas.so.0` and pins it to one thread; nil when it is not installed.
    init?() {
        guard let handle = dlopen("libopenblas.so.0", RTLD_NOW) ?? dlopen("libopenblas.so", RTLD_NOW),
              let gemm = dlsym(handle, "cblas_sgemm"), let gemv = dlsym(handle, "cblas_sgemv") else {
            return nil
        }
        sgemmFunction = unsafeBitCast(gemm, to: Sgemm.self)
        sgemvFunction = unsafeBitCast(gemv, to: Sgemv.self)
        if let threads = dlsym(handle, "openblas_set_num_threads") {
            unsafeBitCast(threads, to: SetThreads.self)(1)
        }
        if let config = dlsym(handle, "openblas_get_config"),
           let text = unsafeBitCast(config, to: GetConfig.self)() {
            configuration = String(cString: text)
        } else {
            configuration = "OpenBLAS"
        }
    }

    /// C[m×n] = A[m×k]·B[k×n], row-major.
    func sgemm(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
               _ c: UnsafeMutablePointer<Float>) {
        sgemmFunction(Self.rowMajor, Self.noTranspose, Self.noTranspose, Int32(m), Int32(n), Int32(k),
                      1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// y[m] = A[m×k]·x[k], row-major.
    func sgemv(m: Int, k: Int, _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
               _ y: UnsafeMutablePointer<Float>) {
        sgemvFunction(Self.rowMajor, Self.noTranspose, Int32(m), Int32(k), 1, a, Int32(k), x, 1, 0, y, 1)
    }
}
