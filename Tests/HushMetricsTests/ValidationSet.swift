import Foundation
import HushAudio

/// The committed CI subset of the validation set: audio pairs plus the oracle's scores
/// (`pesq` 0.0.4, `pystoi` 0.4.1, numpy), written by tools/metrics-validation/make-ci-subset.sh.
struct ValidationPair: CustomStringConvertible {
    let id: String
    let rate: Int
    let pesqNarrowBand: Double?
    let pesqWideBand: Double?
    let stoi: Double?
    let estoi: Double?
    let siSDR: Double?
    let degradation: String

    var description: String { "\(id) (\(rate) Hz, \(degradation))" }

    /// Clean and degraded samples, read with the same reader the CLI uses.
    func audio() throws -> (clean: [Float], degraded: [Float]) {
        let clean = try AudioReader.read(path: ValidationSet.folder + "/clean/\(id).flac")
        let degraded = try AudioReader.read(path: ValidationSet.folder + "/enhanced/\(id).flac")
        return (clean.samples, degraded.samples)
    }
}

enum ValidationSet {
    static let folder: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/") + "/Validation"
    }()

    /// Every row of `oracle.csv`.
    static let pairs: [ValidationPair] = {
        guard let text = try? String(contentsOfFile: folder + "/oracle.csv", encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            // The degradation (last column) may contain commas and is quoted.
            let fields = line.split(separator: ",", maxSplits: 7, omittingEmptySubsequences: false).map(String.init)
            func number(_ i: Int) -> Double? { Double(fields[i]) }
            return ValidationPair(id: fields[0], rate: Int(fields[1]) ?? 0, pesqNarrowBand: number(2),
                                  pesqWideBand: number(3), stoi: number(4), estoi: number(5),
                                  siSDR: number(6), degradation: fields[7].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
    }()
}
