import ArgumentParser
import Foundation
import HushAudio
import HushMetrics

/// `hush eval`: speech-quality metrics of enhanced audio against its clean reference.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score enhanced speech against clean speech: PESQ NB/WB, STOI, ESTOI, SI-SDR, segSNR, CSIG/CBAK/COVL.",
        discussion: """
            PESQ follows ITU-T P.862 (NB, P.862.1 mapping) and P.862.2 (WB) as the `pesq` PyPI \
            package computes them (no Corrigendum 2); WB-C2 is WB with Corrigendum 2, as the \
            `pesqc2` package. STOI/ESTOI as pystoi. fwSegSNR, LLR and WSS as pysepm, and Hu & \
            Loizou's composites CSIG, CBAK, COVL from them (PESQ term: WB MOS-LQO at 16 kHz, \
            raw NB score at 8 kHz). PESQ WB needs 16 kHz, NB 8 or 16 kHz; files at other rates \
            are resampled to 16 kHz for PESQ and the composites only (a note says so). PESQ \
            aligns delayed files of different lengths; the other measures need equal lengths \
            and are left out (with a note) otherwise.

            Examples:
              hush eval --clean clean.wav --enhanced denoised.wav
              hush eval --clean-dir clean/ --enhanced-dir denoised/ --json
            """)

    @Option(help: ArgumentHelp("Clean reference file.", valueName: "file"))
    var clean: String?

    @Option(help: ArgumentHelp("Enhanced file to score.", valueName: "file"))
    var enhanced: String?

    @Option(help: ArgumentHelp("Folder of clean files, matched to --enhanced-dir by file name.", valueName: "dir"))
    var cleanDir: String?

    @Option(help: ArgumentHelp("Folder of enhanced files.", valueName: "dir"))
    var enhancedDir: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        let single = clean != nil || enhanced != nil
        let folder = cleanDir != nil || enhancedDir != nil
        guard single != folder else {
            throw ValidationError("give either --clean and --enhanced, or --clean-dir and --enhanced-dir")
        }
        if single && (clean == nil || enhanced == nil) {
            throw ValidationError("--clean and --enhanced go together")
        }
        if folder && (cleanDir == nil || enhancedDir == nil) {
            throw ValidationError("--clean-dir and --enhanced-dir go together")
        }
    }

    func run() throws {
        let pairs = try runReportingErrors { try matchedPairs() }
        var results: [EvalResult] = []
        var failures = 0
        for (name, cleanPath, enhancedPath) in pairs {
            do {
                let scores = try runReportingErrors {
                    try PairScorer.score(clean: cleanPath, enhanced: enhancedPath)
                }
                for note in scores.notes { printError("note: \(name): \(note)") }
                results.append(EvalResult(name: name, scores: scores))
            } catch let error as ValidationFailure where pairs.count > 1 {
                // A folder run scores what it can; the failed files are named and the exit
                // status says the table is incomplete.
                printError("error: \(error.message)")
                failures += 1
            }
        }
        if !results.isEmpty { print(json ? EvalReport.json(results) : EvalReport.table(results)) }
        if failures > 0 {
            throw ValidationFailure(message: "\(failures) of \(pairs.count) pairs could not be scored (left out of the table and the means)")
        }
    }

    /// (name, clean, enhanced) for the single pair or for every clean file with a namesake.
    private func matchedPairs() throws -> [(String, String, String)] {
        if let clean, let enhanced {
            return [((enhanced as NSString).lastPathComponent, clean, enhanced)]
        }
        guard let cleanDir, let enhancedDir else { return [] }
        let manager = FileManager.default
        func files(_ dir: String) throws -> [String] {
            do {
                return try manager.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted()
            } catch {
                throw ValidationFailure(message: "\(dir): cannot list folder")
            }
        }
        let cleanFiles = try files(cleanDir)
        let enhancedFiles = Set(try files(enhancedDir))
        let matched = cleanFiles.filter { enhancedFiles.contains($0) }
        guard !matched.isEmpty else {
            throw ValidationFailure(message: "no file name appears in both \(cleanDir) and \(enhancedDir)")
        }
        let unmatched = enhancedFiles.subtracting(matched).count
        if unmatched > 0 { printError("note: \(unmatched) enhanced file(s) without a clean namesake skipped") }
        return matched.map { ($0, cleanDir + "/" + $0, enhancedDir + "/" + $0) }
    }
}

/// Reads a pair of files and scores them (downmix, rate check, resampling for PESQ).
enum PairScorer {
    static func score(clean: String, enhanced: String) throws -> QualityScores {
        let c = try AudioReader.read(path: clean), e = try AudioReader.read(path: enhanced)
        guard c.sampleRate == e.sampleRate else {
            throw ValidationFailure(message: "\(enhanced): \(MetricsError.rateMismatch(clean: c.sampleRate, enhanced: e.sampleRate))")
        }
        let x = c.downmixedToMono(), y = e.downmixedToMono()
        var pesqSignals: (clean: [Float], enhanced: [Float], sampleRate: Int)?
        var notes: [String] = []
        if !PESQ.supportedRates.contains(c.sampleRate) {
            pesqSignals = (try Resampler.resample(x, from: c.sampleRate, to: 16_000),
                           try Resampler.resample(y, from: c.sampleRate, to: 16_000), 16_000)
            notes.append("resampled \(c.sampleRate) Hz to 16 kHz (libsoxr) for PESQ and CSIG/CBAK/COVL")
        }
        for (path, audio) in [(clean, c), (enhanced, e)] where audio.channels > 1 {
            notes.append("\((path as NSString).lastPathComponent): \(audio.channels) channels downmixed to mono")
        }
        do {
            var scores = try QualityScores.compute(clean: x, enhanced: y, sampleRate: c.sampleRate,
                                                   pesqSignals: pesqSignals)
            scores.notes = notes + scores.notes
            return scores
        } catch {
            throw ValidationFailure(message: "\(enhanced): \(error.description)")
        }
    }
}

/// One scored file.
struct EvalResult {
    let name: String
    let scores: QualityScores
}

/// The table and the JSON `hush eval` prints.
enum EvalReport {
    /// Column title and value of each metric, in print order.
    static let columns: [(title: String, key: String, value: @Sendable (QualityScores) -> Double?)] = [
        ("PESQ-NB", "pesq_nb", { $0.pesqNarrowBand }),
        ("PESQ-WB", "pesq_wb", { $0.pesqWideBand }),
        ("WB-C2", "pesq_wb_c2", { $0.pesqWideBandCorrigendum2 }),
        ("STOI", "stoi", { $0.stoi }),
        ("ESTOI", "estoi", { $0.estoi }),
        ("SI-SDR", "si_sdr", { $0.siSDR }),
        ("segSNR", "seg_snr", { $0.segmentalSNR }),
        ("fwSegSNR", "fw_seg_snr", { $0.frequencyWeightedSegmentalSNR }),
        ("LLR", "llr", { $0.llr }),
        ("WSS", "wss", { $0.composite?.wss }),
        ("CSIG", "csig", { $0.composite?.csig }),
        ("CBAK", "cbak", { $0.composite?.cbak }),
        ("COVL", "covl", { $0.composite?.covl }),
    ]

    /// The mean over the pairs that have a finite value (an identical pair's SI-SDR is +inf).
    static func mean(_ results: [EvalResult], _ value: (QualityScores) -> Double?) -> Double? {
        let values = results.compactMap { value($0.scores) }.filter(\.isFinite)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func table(_ results: [EvalResult], showMean: Bool = true) -> String {
        let nameWidth = max(4, results.map(\.name.count).max() ?? 0)
        func row(_ name: String, _ cells: [String]) -> String {
            name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + cells.map { "  " + String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined()
        }
        func cell(_ v: Double?) -> String { v.map { SummaryLine.fixed($0, 3) } ?? "n/a" }
        var lines = [row("file", columns.map(\.title))]
        for r in results { lines.append(row(r.name, columns.map { cell($0.value(r.scores)) })) }
        if showMean && results.count > 1 {
            lines.append(row("mean", columns.map { cell(mean(results, $0.value)) }))
        }
        return lines.joined(separator: "\n")
    }

    /// The lines `hush denoise --reference` prints: input and output scored against the clean file.
    static func denoiseQuality(reference: String, input: String, output: String, inPlace: Bool) throws -> String {
        let after = try runReportingErrors { try PairScorer.score(clean: reference, enhanced: output) }
        for note in after.notes { printError("note: \(note)") }
        var rows = [EvalResult(name: "output", scores: after)]
        // With --overwrite the input is gone; only the output can be scored.
        if !inPlace {
            let before = try runReportingErrors { try PairScorer.score(clean: reference, enhanced: input) }
            rows.insert(EvalResult(name: "input", scores: before), at: 0)
        }
        return "quality vs \((reference as NSString).lastPathComponent):\n" + table(rows, showMean: false)
    }

    /// The JSON document: `files` (one object per pair) and `mean`; a value that is absent or not
    /// finite is `null` (JSON has no infinity). Encoded by JSONSerialization, so names are escaped.
    static func json(_ results: [EvalResult]) -> String {
        func number(_ v: Double?) -> Any { v.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
        let files: [[String: Any]] = results.map { r in
            let s = r.scores
            var fields: [String: Any] = ["name": r.name, "notes": s.notes]
            for column in columns { fields[column.key] = number(column.value(s)) }
            // What the composites were made of beyond the columns: their PESQ term and LLR
            // (unclamped, unlike the stand-alone LLR column).
            fields["composite_pesq"] = number(s.composite?.pesq)
            fields["llr_composite"] = number(s.composite?.llr)
            fields["pesq_nb_seconds"] = number(s.pesqNarrowBandTime?.wallSeconds)
            fields["pesq_wb_seconds"] = number(s.pesqWideBandTime?.wallSeconds)
            fields["pesq_nb_cpu_seconds"] = number(s.pesqNarrowBandTime?.cpuSeconds)
            fields["pesq_wb_cpu_seconds"] = number(s.pesqWideBandTime?.cpuSeconds)
            return fields
        }
        var means: [String: Any] = [:]
        for column in columns { means[column.key] = number(mean(results, column.value)) }
        let document: [String: Any] = ["files": files, "mean": means]
        // Only strings, numbers, arrays, dictionaries and NSNull: serialization cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
