import CSndFile
import Foundation
import HushAudio
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One discipline for every file the CLI writes: never an input, never two outputs into one
/// file, an existing file only with --overwrite, FIFOs and devices written in place, every path
/// checked before the work starts. Each case is one the tool once got wrong (issue #16).
@Suite("output discipline (command line)", .serialized)
struct OutputDisciplineTests {
    typealias CLI = DenoiseCommandTests

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A scratch folder holding a copy of the noisy fixture as `in.wav`.
    static func folderWithInput() throws -> (dir: String, input: String) {
        let dir = try CLI.scratch()
        let input = dir + "/in.wav"
        try FileManager.default.copyItem(atPath: CLI.noisy, toPath: input)
        return (dir, input)
    }

    static func listing(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    @Test("--report naming the input or the output, plot --out naming the input: refused, nothing changed")
    func outputsThatAreInputs() throws {
        let (dir, input) = try Self.folderWithInput()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let original = try Self.bytes(input)
        let out = dir + "/out.wav"
        for overwrite in [[], ["--overwrite"]] {
            let r = try CLI.hush(["denoise", "--pass-through"] + overwrite + [input, out, "--report", input])
            CLI.expectFailure(r, output: out, mentioning: "same file as the input")
        }
        // The same file under another name: a symbolic link and "./".
        try FileManager.default.createSymbolicLink(atPath: dir + "/alias.json", withDestinationPath: input)
        CLI.expectFailure(try CLI.hush(["denoise", "--pass-through", input, out, "--report", dir + "/alias.json"]),
                          output: out, mentioning: "same file as the input")
        CLI.expectFailure(try CLI.hush(["denoise", "--pass-through", input, out, "--report", dir + "/./out.wav"]),
                          output: out, mentioning: "same file as another output")
        let plot = try CLI.hush(["plot", input, "--out", input, "--overwrite"])
        #expect(plot.status != 0 && plot.stderr.contains("same file as the input"), "stderr: \(plot.stderr)")
        let reference = try CLI.hush(["denoise", "--pass-through", "-f", "--reference", input, input, input])
        #expect(reference.status != 0 && reference.stderr.contains("same file as the input"))
        #expect(try Self.bytes(input) == original)
        #expect(try Self.listing(dir) == ["alias.json", "in.wav"])
    }

    @Test("an existing output is replaced only with --overwrite or -f")
    func existingOutput() throws {
        let (dir, input) = try Self.folderWithInput()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav", report = dir + "/r.json"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        let refused = try CLI.hush(["denoise", "--pass-through", input, out])
        #expect(refused.status != 0 && refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("already exists; pass --overwrite (-f)"))
        #expect(try Self.bytes(out) == Data("keep me".utf8))
        try Data("old".utf8).write(to: URL(fileURLWithPath: report))
        let replaced = try CLI.hush(["denoise", "--pass-through", "-f", input, dir + "/new.wav", "--report", report])
        #expect(replaced.status == 0, "stderr: \(replaced.stderr)")
        for flag in ["--overwrite", "-f"] {
            let r = try CLI.hush(["denoise", "--pass-through", flag, input, out])
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(try Self.bytes(out).prefix(4) == Data("RIFF".utf8))
        }
        let help = try CLI.hush(["denoise", "--help"])
        #expect(help.stdout.contains("--overwrite") && help.stdout.contains("-f"))
        #expect(try Self.listing(dir) == ["in.wav", "new.wav", "out.wav", "r.json"])
    }

    @Test("a FIFO behind a symbolic link is written in place: it stays a FIFO, the link stays a link")
    func fifo() throws {
        let (dir, input) = try Self.folderWithInput()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe", link = dir + "/report.json"
        #expect(mkfifo(fifo, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
        let received = LockedData()
        let reader = Thread {
            received.set(FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data())
        }
        reader.start()
        let r = try CLI.hush(["denoise", input, dir + "/out.wav", "--report", link])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        while received.get() == nil { usleep(10_000) }
        let json = try JSONSerialization.jsonObject(with: received.get() ?? Data()) as? [String: Any]
        #expect(json?["frames"] as? Int ?? 0 > 100)
        var info = stat()
        #expect(lstat(link, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(try Self.listing(dir) == ["in.wav", "out.wav", "pipe", "report.json"])
    }

    @Test("--report - writes the JSON on standard output and the summary on standard error")
    func reportOnStandardOutput() throws {
        let (dir, input) = try Self.folderWithInput()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.hush(["denoise", input, dir + "/out.wav", "--report", "-"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["frames"] as? Int ?? 0 > 100)
        #expect(r.stderr.contains("RTF"))
    }

    @Test("a bad --reference or --report path fails before any work, in one readable line")
    func pathsCheckedFirst() throws {
        let (dir, input) = try Self.folderWithInput()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.wav"
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: false)
        try Data("text".utf8).write(to: URL(fileURLWithPath: dir + "/notaudio.wav"))
        let cases: [([String], String)] = [
            (["--reference", dir + "/missing.wav"], "no such file"),
            (["--reference", dir + "/notaudio.wav"], "not a readable audio file"),
            (["--report", dir + "/nodir/r.json"], "does not exist"),
            (["--report", dir + "/adir"], "is a directory"),
        ]
        for (options, message) in cases {
            let r = try CLI.hush(["denoise"] + options + [input, out])
            CLI.expectFailure(r, output: out, mentioning: message)
            #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        }
        let plot = try CLI.hush(["plot", input, "--out", dir + "/adir"])
        #expect(plot.status != 0 && plot.stderr.contains("is a directory"))
        #expect(try Self.listing(dir) == ["adir", "in.wav", "notaudio.wav"])
    }

    @Test("--overwrite in place keeps a symbolic link, the 24-bit subtype and the file's mode")
    func inPlace() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/speech24.wav", link = dir + "/link.wav"
        // A 24-bit copy of the fixture, mode 0600, reached through a link.
        let speech = try AudioReader.read(path: CLI.noisy)
        try AudioWriter.write(speech, to: dir + "/tmp16.wav")
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-V1", dir + "/tmp16.wav", "-b", "24", target]
        try sox.run()
        sox.waitUntilExit()
        try FileManager.default.removeItem(atPath: dir + "/tmp16.wav")
        #expect(chmod(target, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "speech24.wav")
        let before = try AudioFileReader(path: target).format
        #expect(before & Int32(SF_FORMAT_SUBMASK) == Int32(SF_FORMAT_PCM_24))
        let r = try CLI.hush(["denoise", "--overwrite", link, link])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        var info = stat()
        #expect(lstat(link, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(stat(target, &info) == 0 && info.st_mode & 0o7777 == 0o600)
        let header = try AudioFileReader(path: target)
        #expect(header.format == before)
        #expect(header.declaredFrames == speech.frameCount)
        #expect(try Self.listing(dir) == ["link.wav", "speech24.wav"])
    }

    @Test("a header claiming 1 Hz is a one-line error, not a huge allocation")
    func absurdRate() throws {
        let (dir, input) = try Self.folderWithInput()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes = try Self.bytes(input)
        let fmt = try #require(bytes.range(of: Data("fmt ".utf8))).lowerBound
        // fmt chunk: tag, size, format, channels, then the rate and the byte rate (little-endian).
        bytes.replaceSubrange((fmt + 12)..<(fmt + 20), with: [1, 0, 0, 0, 2, 0, 0, 0])
        try bytes.write(to: URL(fileURLWithPath: input))
        let out = dir + "/out.wav"
        CLI.expectFailure(try CLI.hush(["denoise", input, out]), output: out, mentioning: "sample rate 1 Hz")
        let plot = try CLI.hush(["plot", input, "--out", dir + "/p.png"])
        #expect(plot.status != 0 && plot.stderr.contains("sample rate 1 Hz"))
        let eval = try CLI.hush(["eval", "--clean", input, "--enhanced", input])
        #expect(eval.status != 0 && eval.stderr.contains("sample rate 1 Hz"))
    }
}
