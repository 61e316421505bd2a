/// An in-place iterative radix-2 complex FFT in double precision, for the composite measures'
/// spectra (the reference computes them in float64 with numpy's FFT; single precision would
/// cost agreement in the −100 dB floor region of WSS).
struct ComplexFFT {
    let size: Int
    private let cosines: [Double]
    private let sines: [Double]
    private let reversed: [Int]

    /// `size` must be a power of two.
    init(size: Int) {
        precondition(size > 0 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        cosines = (0..<(size / 2)).map { MetricsMath.cos(2 * Double.pi * Double($0) / Double(size)) }
        sines = (0..<(size / 2)).map { -MetricsMath.sin(2 * Double.pi * Double($0) / Double(size)) }
        var bits = 0
        while 1 << bits < size { bits += 1 }
        reversed = (0..<size).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        }
    }

    /// X_k = Σ x_n e^(−2πikn/N), in place.
    func forward(real: inout [Double], imaginary: inout [Double]) {
        precondition(real.count == size && imaginary.count == size)
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in
                cosines.withUnsafeBufferPointer { cosines in
                    sines.withUnsafeBufferPointer { sines in
                        transform(re.baseAddress!, im.baseAddress!, cosines.baseAddress!, sines.baseAddress!)
                    }
                }
            }
        }
    }

    /// The butterflies on raw pointers (array accesses in the inner loop cost 5× in debug builds).
    private func transform(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>,
                           _ cosines: UnsafePointer<Double>, _ sines: UnsafePointer<Double>) {
        for i in 0..<size where reversed[i] > i {
            let j = reversed[i]
            (re[i], re[j]) = (re[j], re[i])
            (im[i], im[j]) = (im[j], im[i])
        }
        var half = 1
        while half < size {
            let stride = size / (2 * half)
            var start = 0
            while start < size {
                for k in 0..<half {
                    let c = cosines[k * stride], s = sines[k * stride]
                    let a = start + k, b = a + half
                    let tr = re[b] * c - im[b] * s
                    let ti = re[b] * s + im[b] * c
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                }
                start += 2 * half
            }
            half *= 2
        }
    }
}
