import Foundation
import HushAudio
import Testing

/// `hush denoise IN... -o OUTDIR`: the batch form, end to end.
@Suite("hush denoise -o (batch)", .serialized)
struct BatchCommandTests {
    typealias CLI = DenoiseCommandTests

    /// Writes `seconds` of the noisy fixture, from `offset`, at `gain`, to `path` (its folder made).
    static func excerpt(_ path: String, offset: Double = 0, seconds: Double = 0.5, gain: Float = 1) throws {
        let noisy = try AudioReader.read(path: CLI.noisy)
        let start = Int(offset * Double(noisy.sampleRate))
        let count = Int(seconds * Double(noisy.sampleRate))
        let slice = noisy.samples[start..<start + count].map { $0 * gain }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try AudioWriter.write(AudioBuffer(samples: slice, channels: 1, sampleRate: noisy.sampleRate), to: path)
    }

    /// Every file under `dir`, as paths relative to it, sorted.
    static func tree(_ dir: String) throws -> [String] {
        let walker = FileManager.default.enumerator(atPath: dir)!
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType != .typeDirectory { files.append(relative) }
        }
        return files.sorted()
    }

    @Test("a bad file in the middle is reported, the rest are done, the exit status is 1")
    func badFileInTheMiddle() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.excerpt(dir + "/in/a.wav")
        try Data("RIFF, but not really a WAV file".utf8).write(to: URL(fileURLWithPath: dir + "/in/b.wav"))
        try Self.excerpt(dir + "/in/c.wav", offset: 1)
        let r = try CLI.hush(["denoise", "--pass-through", "--jobs", "1", "-o", dir + "/out", dir + "/in"])
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("denoised 2 of 3 files"), "stdout: \(r.stdout)")
        let failures = r.stderr.split(separator: "\n").filter { $0.hasPrefix("failed: ") }
        #expect(failures.count == 1 && failures[0].contains("in/b.wav: not a readable audio file"), "stderr: \(r.stderr)")
        #expect(try Self.tree(dir + "/out") == ["a.wav", "c.wav"])
    }

    @Test("folders are mirrored under OUTDIR; hidden and non-audio files are skipped; files keep their names")
    func mirroredTree() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.excerpt(dir + "/in/x.wav")
        try Self.excerpt(dir + "/in/sub/deep/y.wav", gain: 0.5)
        try Self.excerpt(dir + "/in/.hidden.wav")
        try Self.excerpt(dir + "/in/.git/z.wav")
        try Data("notes".utf8).write(to: URL(fileURLWithPath: dir + "/in/notes.txt"))
        try Self.excerpt(dir + "/loose.wav")
        let r = try CLI.hush(["denoise", "--pass-through", "-o", dir + "/out", dir + "/in", dir + "/loose.wav",
                              "--name-pattern", "{stem}-clean.{ext}"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(try Self.tree(dir + "/out") == ["loose-clean.wav", "sub/deep/y-clean.wav", "x-clean.wav"])
        // Run again into a folder inside the input folder: the walk does not take its own outputs.
        let again = try CLI.hush(["denoise", "--pass-through", "-o", dir + "/in/clean", dir + "/in"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(again.stdout.contains("denoised 2 of 2 files"), "stdout: \(again.stdout)")
    }

    @Test("--jobs 2 writes the same bytes as --jobs 1 (each job has its own denoiser)")
    func jobsAreIndependent() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for i in 0..<6 {
            try Self.excerpt(dir + "/in/f\(i).wav", offset: 0.2 * Double(i), seconds: 0.6, gain: 1 - 0.1 * Float(i))
        }
        for jobs in ["1", "2"] {
            let r = try CLI.hush(["denoise", "--jobs", jobs, "-o", dir + "/out" + jobs, dir + "/in"])
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stdout.contains("(RTF") && r.stdout.contains("\(jobs) job"), "stdout: \(r.stdout)")
        }
        try Self.expectSameFiles(dir + "/out2", as: dir + "/out1", count: 6)
    }

    /// Expects `folder` to hold the same `count` files as `reference`, byte for byte.
    static func expectSameFiles(_ folder: String, as reference: String, count: Int) throws {
        let names = try tree(reference)
        let written = try tree(folder)
        #expect(names.count == count && written == names)
        for name in names {
            #expect(FileManager.default.contents(atPath: folder + "/" + name)
                    == FileManager.default.contents(atPath: reference + "/" + name), "\(name)")
        }
    }

    @Test("outputs are checked before any work: an input in OUTDIR, or an existing output, needs -f")
    func refusedBeforeAnyWork() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.excerpt(dir + "/in/a.wav")
        try Self.excerpt(dir + "/in/sub/b.wav", offset: 1)
        let before = FileManager.default.contents(atPath: dir + "/in/a.wav")
        // OUTDIR is the input folder: every output would replace its own input.
        let inPlace = try CLI.hush(["denoise", "--pass-through", "-o", dir + "/in", dir + "/in"])
        #expect(inPlace.status != 0 && inPlace.stderr.contains("output is the input file; pass --overwrite"),
                "stderr: \(inPlace.stderr)")
        #expect(FileManager.default.contents(atPath: dir + "/in/a.wav") == before)
        #expect(try Self.tree(dir + "/in") == ["a.wav", "sub/b.wav"])
        // One existing output stops the batch before anything is written, and the folders it
        // made are removed again.
        try FileManager.default.createDirectory(atPath: dir + "/out/sub", withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/out/sub/b.wav"))
        let exists = try CLI.hush(["denoise", "--pass-through", "-o", dir + "/out", dir + "/in"])
        #expect(exists.status != 0 && exists.stderr.contains("out/sub/b.wav: already exists"), "stderr: \(exists.stderr)")
        #expect(try Self.tree(dir + "/out") == ["sub/b.wav"])
        // Two inputs with one name would write one output twice.
        let clash = try CLI.hush(["denoise", "--pass-through", "-o", dir + "/out2", dir + "/in/a.wav", dir + "/in/sub/b.wav",
                                  "--name-pattern", "{stem}x.wav", dir + "/in/a.wav"])
        #expect(clash.status != 0 && clash.stderr.contains("same file as another output"), "stderr: \(clash.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out2"))
        // With -f the batch denoises in place.
        let forced = try CLI.hush(["denoise", "--pass-through", "-f", "-o", dir + "/in", dir + "/in"])
        #expect(forced.status == 0, "stderr: \(forced.stderr)")
        #expect(try Self.tree(dir + "/in") == ["a.wav", "sub/b.wav"])
    }

    @Test("progress is one plain line per file when stderr is not a terminal")
    func plainProgress() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a", "b", "c"] { try Self.excerpt(dir + "/in/\(name).wav", seconds: 0.25) }
        let r = try CLI.hush(["denoise", "--pass-through", "--jobs", "2", "-o", dir + "/out", dir + "/in"])
        #expect(r.status == 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 3 && !r.stderr.contains("\r"), "stderr: \(r.stderr)")
        for (i, line) in lines.enumerated() {
            #expect(line.hasPrefix("[\(i + 1)/3] \(dir)/in/") && line.hasSuffix(": 0.25 s"), "\(line)")
        }
        #expect(r.stdout.contains("denoised 3 of 3 files") && r.stdout.contains("2 jobs"))
    }

    @Test("SIGINT mid-batch with 20 jobs, 20 temporary files at once, leaves no output and no temporary file")
    func interrupted() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let speech = try AudioReader.read(path: CLI.noisy).samples
        let samples = (0..<(16_000 * 20)).map { speech[$0 % speech.count] }
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try AudioWriter.write(AudioBuffer(samples: samples, channels: 1, sampleRate: 16_000), to: dir + "/in/f00.wav")
        for i in 1..<20 { try FileManager.default.copyItem(atPath: dir + "/in/f00.wav", toPath: dir + "/in/f\(i).wav") }
        let status = try CLI.interrupt(["denoise", "--jobs", "20", "-o", dir + "/out", dir + "/in"],
                                       after: 800_000, with: SIGINT)
        #expect(status == 128 + SIGINT)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out") == [])
    }

    @Test("the two forms: two paths without -o is the single form; more need -o; batch-only options refused")
    func forms() throws {
        let three = try CLI.hush(["denoise", CLI.noisy, "a.wav", "b.wav"])
        #expect(three.status != 0 && three.stderr.contains("a batch needs -o OUTDIR"))
        let jobs = try CLI.hush(["denoise", "--jobs", "2", CLI.noisy, "/tmp/never.wav"])
        #expect(jobs.status != 0 && jobs.stderr.contains("are for a batch"))
        let report = try CLI.hush(["denoise", "--report", "r.json", "-o", "/tmp/never", CLI.noisy])
        #expect(report.status != 0 && report.stderr.contains("not a batch"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never"))
    }
}

/// The recipes that take a batch past one machine with existing schedulers: the Slurm job-array
/// script (run with the task variables set by hand, as Slurm would) and GNU parallel (when
/// installed), both checked against one `hush denoise -o` over the whole list.
@Suite("Sharding recipes (Slurm array, GNU parallel)", .serialized)
struct ShardingRecipeTests {
    typealias CLI = DenoiseCommandTests

    /// A list of 7 short files, and the outputs of one batch over all of them.
    static func listAndReference(_ dir: String) throws -> (list: String, files: [String]) {
        var files: [String] = []
        for i in 0..<7 {
            let path = dir + "/in/f\(i).wav"
            try BatchCommandTests.excerpt(path, offset: 0.1 * Double(i), seconds: 0.3)
            files.append(path)
        }
        let list = dir + "/files.txt"
        try (files.joined(separator: "\n") + "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let r = try CLI.hush(["denoise", "--pass-through", "-o", dir + "/reference", dir + "/in"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        return (list, files)
    }

    static func shell(_ script: String, environment: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run("/bin/bash", ["-c", script], environment: environment, directory: CLI.repositoryRoot)
    }

    @Test("3 Slurm array tasks (ids 4…6, as --array=4-6 numbers them) together denoise every file once")
    func slurmArray() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (list, _) = try Self.listAndReference(dir)
        var counts: [Int] = []
        for task in 4...6 {
            let r = try Self.shell("scripts/slurm-denoise.sbatch \(list) \(dir)/out --pass-through", environment: [
                "SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_MIN": "4", "SLURM_ARRAY_TASK_COUNT": "3",
                "SLURM_CPUS_PER_TASK": "2", "HUSH": CLI.executable,
            ])
            #expect(r.status == 0, "stderr: \(r.stderr)")
            counts.append(Int(r.stdout.split(separator: " ")[4]) ?? -1)
        }
        #expect(counts == [3, 2, 2])
        try BatchCommandTests.expectSameFiles(dir + "/out", as: dir + "/reference", count: 7)
        // A failed file fails its task.
        try Data("junk".utf8).write(to: URL(fileURLWithPath: dir + "/in/f0.wav"))
        let bad = try Self.shell("scripts/slurm-denoise.sbatch \(list) \(dir)/out2 --pass-through", environment: [
            "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3", "HUSH": CLI.executable,
        ])
        #expect(bad.status == 1 && bad.stderr.contains("failed: \(dir)/in/f0.wav"), "stderr: \(bad.stderr)")
    }

    static let parallelInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/parallel")

    @Test("GNU parallel, locally and in its --sshlogin form (':' is this machine), as the README shows it",
          .enabled(if: parallelInstalled))
    func gnuParallel() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (list, _) = try Self.listAndReference(dir)
        let local = try Self.shell(
            "parallel --will-cite -j 2 -N 3 \(CLI.executable) denoise --pass-through --jobs 1 -o \(dir)/local {} < \(list)")
        #expect(local.status == 0, "stderr: \(local.stderr)")
        try BatchCommandTests.expectSameFiles(dir + "/local", as: dir + "/reference", count: 7)
        let ssh = try Self.shell(
            "parallel --will-cite -S 2/: -N 3 \(CLI.executable) denoise --pass-through --jobs 1 -o \(dir)/ssh {} < \(list)")
        #expect(ssh.status == 0, "stderr: \(ssh.stderr)")
        try BatchCommandTests.expectSameFiles(dir + "/ssh", as: dir + "/reference", count: 7)
    }
}
