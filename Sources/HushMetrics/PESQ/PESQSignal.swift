/// The constants P.862 fixes per sample rate.
struct PESQRate {
    let fs: Int
    /// Samples per VAD/envelope window (4 ms).
    let downsample: Int
    /// FFT length of the fine time alignment (64 ms).
    let alignNfft: Int
    let alignmentInputFilter: BiquadSections
    let wideBandInputFilter: BiquadSections
    /// The WB input filter as Corrigendum 2 amends it.
    var wideBandInputFilterCorrigendum2: BiquadSections { PESQFilters.corrigendum2(wideBandInputFilter) }
    let bands: PESQBarkBands

    /// The search buffer: 75 envelope windows of zeros put before and after each signal.
    var searchBuffer: Int { 75 * downsample }
    /// Extra zeros after the signal (320 ms) so frames may run past its end.
    var dataPadding: Int { 320 * fs / 1000 }
    /// Perceptual-model frame length (32 ms), hop is half of it.
    var frameLength: Int { 8 * downsample }

    init(fs: Int) {
        self.fs = fs
        if fs == 16_000 {
            downsample = 64; alignNfft = 1024
            alignmentInputFilter = PESQFilters.alignmentInput16k
            wideBandInputFilter = PESQFilters.wideBandInput16k
            bands = .rate16k
        } else {
            downsample = 32; alignNfft = 512
            alignmentInputFilter = PESQFilters.alignmentInput8k
            wideBandInputFilter = PESQFilters.wideBandInput8k
            bands = .rate8k
        }
    }
}

/// A signal laid out as PESQ processes it: a search buffer of zeros, the samples, another
/// search buffer, then the data padding. `samples` counts both search buffers but not the
/// padding, as the reference's `Nsamples` does; every index in the model assumes this layout.
struct PESQSignal {
    var data: [Float]
    var samples: Int
    /// Per-window energy with speech activity decisions (zero where inactive).
    var vad: [Float] = []
    /// log(VAD / threshold), the envelope the coarse alignment correlates.
    var logVAD: [Float] = []

    /// Lays out `x / peak` (divided in double and rounded once, as numpy does for the wrapper).
    init(_ x: [Float], peak: Float, rate: PESQRate) {
        samples = x.count + 2 * rate.searchBuffer
        data = [Float](repeating: 0, count: samples + rate.dataPadding)
        let p = Double(peak)
        for i in x.indices { data[rate.searchBuffer + i] = Float(Double(x[i]) / p) }
    }
}

/// Sum of squares of `x[start..<stop]` over `divisor`, accumulated in double like the
/// reference (which squares in single precision).
func powerOf(_ x: [Float], _ start: Int, _ stop: Int, _ divisor: Int) -> Double {
    var power = 0.0
    var i = start
    while i < stop { let h = x[i]; power += Double(h * h); i += 1 }
    return power / Double(divisor)
}
