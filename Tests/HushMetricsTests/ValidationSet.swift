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
    let segmentalSNR: Double?
    let degradation: String
    /// The composite oracle's row (`pesqc2`, `pysepm-evo`), when the subset has one.
    var composite: CompositeOracle? { ValidationSet.composite[id] }

    var description: String { "\(id) (\(rate) Hz, \(degradation))" }

    /// Clean and degraded samples, read with the same reader the CLI uses.
    func audio() throws -> (clean: [Float], degraded: [Float]) {
        let clean = try AudioReader.read(path: ValidationSet.folder + "/clean/\(id).flac")
        let degraded = try AudioReader.read(path: ValidationSet.folder + "/enhanced/\(id).flac")
        return (clean.samples, degraded.samples)
    }
}

/// One row of `oracle-composite.csv`: PESQ WB with Corrigendum 2 (`pesqc2` 0.0.4) and the
/// composite measures with their parts (`pysepm-evo` 0.1.1, PESQ from `pesq` 0.0.4); `nil` where
/// the reference does not define the score (unequal lengths, WB at 8 kHz).
struct CompositeOracle {
    let pesqWideBandCorrigendum2: Double?
    let compositePESQ: Double?
    let llr: Double?
    let llrComposite: Double?
    let wss: Double?
    let fwSegSNR: Double?
    let csig: Double?
    let cbak: Double?
    let covl: Double?
}

enum ValidationSet {
    static let folder: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/") + "/Validation"
    }()

    /// The rows of a CSV file whose last column (the degradation) may contain commas.
    static func rows(_ file: String, columns: Int) -> [[String]] {
        guard let text = try? String(contentsOfFile: folder + "/" + file, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).dropFirst().map {
            $0.split(separator: ",", maxSplits: columns - 1, omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// `oracle-composite.csv` by pair id.
    static let composite: [String: CompositeOracle] = {
        var table: [String: CompositeOracle] = [:]
        for fields in rows("oracle-composite.csv", columns: 13) {
            let n = fields.map { Double($0) }
            table[fields[0]] = CompositeOracle(pesqWideBandCorrigendum2: n[2], compositePESQ: n[3], llr: n[4],
                                               llrComposite: n[5], wss: n[6], fwSegSNR: n[8],
                                               csig: n[9], cbak: n[10], covl: n[11])
        }
        return table
    }()

    /// Every row of `oracle.csv`.
    static let pairs: [ValidationPair] = {
        rows("oracle.csv", columns: 9).map { fields in
            func number(_ i: Int) -> Double? { Double(fields[i]) }
            return ValidationPair(id: fields[0], rate: Int(fields[1]) ?? 0, pesqNarrowBand: number(2),
                                  pesqWideBand: number(3), stoi: number(4), estoi: number(5),
                                  siSDR: number(6), segmentalSNR: number(7),
                                  degradation: fields[8].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
    }()
}
