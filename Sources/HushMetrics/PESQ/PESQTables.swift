// Numeric tables of ITU-T P.862 (Bark band layout, absolute hearing threshold, input filters),
// transcribed from the Recommendation's parameter tables; they define the model, so they are
// data, not tunable constants.

/// The Bark-domain layout of the perceptual model at one sample rate.
struct PESQBarkBands: Sendable {
    /// FFT bins summed into each Bark band, in order from bin 0.
    let hzBandsPerBark: [Int]
    /// Band centres in Bark.
    let centreBark: [Double]
    /// Band widths in Bark (the weights of the Lp norms over frequency).
    let widthBark: [Double]
    /// Power-density correction per band (normalises for the number of bins summed).
    let powerDensityCorrection: [Double]
    /// Absolute hearing threshold per band, in the model's power units.
    let absoluteThreshold: [Double]
    /// Power scaling from FFT power to the model's pitch power density.
    let powerScale: Float
    /// Loudness scaling (Zwicker law output to sone).
    let loudnessScale: Float

    var count: Int { centreBark.count }

    /// The 42 bands at 8 kHz: the first 42 of the 16 kHz layout, except that the last band
    /// is cut at 4 kHz (fewer bins, its own correction factor).
    static let rate8k: PESQBarkBands = {
        let wide = rate16k
        return PESQBarkBands(
            hzBandsPerBark: Array(wide.hzBandsPerBark.prefix(41)) + [11],
            centreBark: Array(wide.centreBark.prefix(42)),
            widthBark: Array(wide.widthBark.prefix(42)),
            powerDensityCorrection: Array(wide.powerDensityCorrection.prefix(41)) + [59.248363],
            absoluteThreshold: Array(wide.absoluteThreshold.prefix(42)),
            powerScale: 2.764344e-5, loudnessScale: 1.866055e-1)
    }()

    /// The 49 bands at 16 kHz.
    static let rate16k = PESQBarkBands(
        hzBandsPerBark: [
            1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1,
            1, 1, 2, 1, 1, 2, 2, 2, 2, 2, 2, 2,
            2, 3, 3, 3, 3, 4, 3, 4, 5, 4, 5, 6,
            6, 7, 8, 9, 9, 12, 12, 15, 16, 18, 21, 25,
            20,
        ],
        centreBark: [
            0.078672, 0.316341, 0.636559, 0.961246, 1.290450, 1.624217,
            1.962597, 2.305636, 2.653383, 3.005889, 3.363201, 3.725371,
            4.092449, 4.464486, 4.841533, 5.223642, 5.610866, 6.003256,
            6.400869, 6.803755, 7.211971, 7.625571, 8.044611, 8.469146,
            8.899232, 9.334927, 9.776288, 10.223374, 10.676242, 11.134952,
            11.599563, 12.070135, 12.546731, 13.029408, 13.518232, 14.013264,
            14.514566, 15.022202, 15.536238, 16.056736, 16.583761, 17.117382,
            17.657663, 18.204674, 18.758478, 19.319147, 19.886751, 20.461355,
            21.043034,
        ],
        widthBark: [
            0.157344, 0.317994, 0.322441, 0.326934, 0.331474, 0.336061,
            0.340697, 0.345381, 0.350114, 0.354897, 0.359729, 0.364611,
            0.369544, 0.374529, 0.379565, 0.384653, 0.389794, 0.394989,
            0.400236, 0.405538, 0.410894, 0.416306, 0.421773, 0.427297,
            0.432877, 0.438514, 0.444209, 0.449962, 0.455774, 0.461645,
            0.467577, 0.473569, 0.479621, 0.485736, 0.491912, 0.498151,
            0.504454, 0.510819, 0.517250, 0.523745, 0.530308, 0.536934,
            0.543629, 0.550390, 0.557220, 0.564119, 0.571085, 0.578125,
            0.585232,
        ],
        powerDensityCorrection: [
            100.000000, 99.999992, 100.000000, 100.000008, 100.000008, 100.000015,
            99.999992, 99.999969, 50.000027, 100.000000, 99.999969, 100.000015,
            99.999947, 100.000061, 53.047077, 110.000046, 117.991989, 65.000000,
            68.760147, 69.999931, 71.428818, 75.000038, 76.843384, 80.968781,
            88.646126, 63.864388, 68.155350, 72.547775, 75.584831, 58.379192,
            80.950836, 64.135651, 54.384785, 73.821884, 64.437073, 59.176456,
            65.521278, 61.399822, 58.144047, 57.004543, 64.126297, 54.311001,
            61.114979, 55.077751, 56.849335, 55.628868, 53.137054, 54.985844,
            79.546974,
        ],
        absoluteThreshold: [
            51286152.000000, 2454709.500000, 70794.593750, 4897.788574, 1174.897705, 389.045166,
            104.712860, 45.708820, 17.782795, 9.772372, 4.897789, 3.090296,
            1.905461, 1.258925, 0.977237, 0.724436, 0.562341, 0.457088,
            0.389045, 0.331131, 0.295121, 0.269153, 0.257040, 0.251189,
            0.251189, 0.251189, 0.251189, 0.263027, 0.288403, 0.309030,
            0.338844, 0.371535, 0.398107, 0.436516, 0.467735, 0.489779,
            0.501187, 0.501187, 0.512861, 0.524807, 0.524807, 0.524807,
            0.512861, 0.478630, 0.426580, 0.371535, 0.363078, 0.416869,
            0.537032,
        ],
        powerScale: 6.910853e-006, loudnessScale: 1.866055e-1)
}

/// Second-order IIR sections, each (b0, b1, b2, a1, a2), applied in cascade.
typealias BiquadSections = [(b0: Float, b1: Float, b2: Float, a1: Float, a2: Float)]

/// The standard input filters of P.862.
enum PESQFilters {
    /// The receive-side input filter applied before VAD and time alignment, 8 kHz.
    static let alignmentInput8k: BiquadSections = [
        (0.885535424, -0.885535424, 0.000000000, -0.771070709, 0.000000000),
        (0.895092588, 1.292907193, 0.449260174, 1.268869037, 0.442025372),
        (4.049527940, -7.865190042, 3.815662102, -1.746859852, 0.786305963),
        (0.500002353, -0.500002353, 0.000000000, 0.000000000, 0.000000000),
        (0.565002834, -0.241585934, -0.306009671, 0.259688659, 0.249979657),
        (2.115237288, 0.919935084, 1.141240051, -1.587313419, 0.665935315),
        (0.912224584, -0.224397719, -0.641121413, -0.246029464, -0.556720590),
        (0.444617727, -0.307589321, 0.141638062, -0.996391149, 0.502251622),
    ]
    /// The receive-side input filter applied before VAD and time alignment, 16 kHz.
    static let alignmentInput16k: BiquadSections = [
        (0.325631521, -0.086782860, -0.238848661, -1.079416490, 0.434583902),
        (0.403961804, -0.556985881, 0.153024077, -0.415115835, 0.696590244),
        (4.736162769, 3.287251046, 1.753289019, -1.859599046, 0.876284034),
        (0.365373469, 0.000000000, 0.000000000, -0.634626531, 0.000000000),
        (0.884811506, 0.000000000, 0.000000000, -0.256725271, 0.141536777),
        (0.723593055, -1.447186099, 0.723593044, -1.129587469, 0.657232737),
        (1.644910855, -1.817280902, 1.249658063, -1.778403899, 0.801724355),
        (0.633692689, -0.284644314, -0.319789663, 0.000000000, 0.000000000),
        (1.032763031, 0.268428979, 0.602913323, 0.000000000, 0.000000000),
        (1.001616361, -0.823749013, 0.439731942, -0.885778255, 0.000000000),
        (0.752472096, -0.375388990, 0.188977609, -0.077258216, 0.247230734),
        (1.023700575, 0.001661628, 0.521284240, -0.183867259, 0.354324187),
    ]
    /// P.862.2's wide-band input filter (a 100 Hz high-pass), 16 kHz.
    static let wideBandInput16k: BiquadSections = [(2.740826, -5.4816519, 2.740826, -1.9444777, 0.94597794)]
    /// The same filter designed for 8 kHz.
    static let wideBandInput8k: BiquadSections = [(2.6657628, -5.3315255, 2.6657628, -1.8890331, 0.89487434)]
    /// P.862 Corrigendum 2's WB input filter: the numerator times 0.251188 (−12 dB), each
    /// coefficient rounded to single precision from the double-precision product as the
    /// reference's initialiser `0.251188 * 2.740826f` rounds it.
    static func corrigendum2(_ sections: BiquadSections) -> BiquadSections {
        let gain = 0.251188
        return sections.map {
            (Float(gain * Double($0.b0)), Float(gain * Double($0.b1)), Float(gain * Double($0.b2)), $0.a1, $0.a2)
        }
    }
    /// Band limit (350 Hz to 3.25 kHz) used only to measure level for level alignment, (Hz, dB).
    static let levelAlignment: [(frequency: Double, gain: Double)] = [
        (0.0, -500), (50.0, -500), (100.0, -500), (125.0, -500), (160.0, -500),
        (200.0, -500), (250.0, -500), (300.0, -500), (350.0, 0), (400.0, 0),
        (500.0, 0), (600.0, 0), (630.0, 0), (800.0, 0), (1000.0, 0),
        (1250.0, 0), (1600.0, 0), (2000.0, 0), (2500.0, 0), (3000.0, 0),
        (3250.0, 0), (3500.0, -500), (4000.0, -500), (5000.0, -500), (6300.0, -500),
        (8000.0, -500),
    ]
    /// Standard IRS receive characteristic of P.830, (Hz, dB): the NB input filter.
    static let irsReceive: [(frequency: Double, gain: Double)] = [
        (0.0, -200), (50.0, -40), (100.0, -20), (125.0, -12), (160.0, -6),
        (200.0, 0), (250.0, 4), (300.0, 6), (350.0, 8), (400.0, 10),
        (500.0, 11), (600.0, 12), (700.0, 12), (800.0, 12), (1000.0, 12),
        (1300.0, 12), (1600.0, 12), (2000.0, 12), (2500.0, 12), (3000.0, 12),
        (3250.0, 12), (3500.0, 4), (4000.0, -200), (5000.0, -200), (6300.0, -200),
        (8000.0, -200),
    ]
}
