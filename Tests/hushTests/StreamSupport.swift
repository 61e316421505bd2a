import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `hush stream` as a pipeline stage: feeds stdin from a background thread in chosen chunk
/// sizes (with pauses, like a live source), collects stdout and stderr.
enum StreamRun {
    struct Result {
        var status: Int32
        var reason: Process.TerminationReason
        var stdout: Data
        var stderr: String
    }

    /// Feeds `input` split into `chunks` (cycled) and returns what came out. With
    /// `readLimit`, stdout is closed after that many bytes, as a reader that goes away.
    ///
    /// Spawns with posix_spawn and reaps with waitpid rather than Foundation's `Process`, whose
    /// `waitUntilExit` can miss the child's exit when several tests spawn at once; every pipe is
    /// close-on-exec so that no concurrently spawned child inherits another test's pipe ends.
    static func run(_ arguments: [String], input: Data, chunks: [Int] = [4096],
                    readLimit: Int? = nil, subcommand: String = "stream") throws -> Result {
        // Writing into a pipe whose reader died must not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        guard pipe2(&stdinPipe, O_CLOEXEC) == 0, pipe2(&stdoutPipe, O_CLOEXEC) == 0,
              pipe2(&stderrPipe, O_CLOEXEC) == 0 else { throw CocoaError(.fileWriteUnknown) }
        let (feedFD, errorFD) = (stdinPipe[1], stderrPipe[0])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        let argv = ([DenoiseCommandTests.executable, subcommand] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, DenoiseCommandTests.executable, &actions, nil, argv, environ)
        close(stdinPipe[0]); close(stdoutPipe[1]); close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            throw CocoaError(.executableLoad)
        }

        let fed = LockedData()
        let feeder = Thread {
            let fd = feedFD
            input.withUnsafeBytes { bytes in
                var offset = 0
                var i = 0
                while offset < bytes.count {
                    let n = min(chunks[i % chunks.count], bytes.count - offset)
                    var done = 0
                    while done < n {
                        let w = write(fd, bytes.baseAddress! + offset + done, n - done)
                        if w <= 0 { return }  // the reader went away: stop feeding
                        done += w
                    }
                    offset += n
                    i += 1
                }
            }
            close(fd)
            fed.set(Data())
        }
        feeder.start()
        let errorData = LockedData()
        let errorThread = Thread { errorData.set(readAll(errorFD, limit: nil)) }
        errorThread.start()

        let output = readAll(stdoutPipe[0], limit: readLimit)
        close(stdoutPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        while errorData.get() == nil || fed.get() == nil { usleep(1000) }
        close(stderrPipe[0])
        let signalled = (status & 0x7f) != 0
        return Result(status: signalled ? status & 0x7f : (status >> 8) & 0xff,
                      reason: signalled ? .uncaughtSignal : .exit,
                      stdout: output, stderr: String(decoding: errorData.get()!, as: UTF8.self))
    }

    /// Reads `fd` to its end, or until `limit` bytes.
    private static func readAll(_ fd: Int32, limit: Int?) -> Data {
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 8192)
        while output.count < (limit ?? Int.max) {
            let n = read(fd, &buffer, min(buffer.count, (limit ?? Int.max) - output.count))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        return output
    }
}

/// glibc's pipe2(2), which the Glibc module does not export: pipes created close-on-exec at once.
@_silgen_name("pipe2")
private func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// Data handed from a reader thread to the test.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Data?
    func set(_ data: Data) { lock.lock(); value = data; lock.unlock() }
    func get() -> Data? { lock.lock(); defer { lock.unlock() }; return value }
}

/// Minimal WAV access for the tests: the `data` chunk's bytes, and a 16-bit mono writer.
enum WAV {
    /// The bytes of the `data` chunk.
    static func data(of path: String) throws -> Data {
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        var offset = 12
        while offset + 8 <= file.count {
            let id = String(decoding: file[offset..<(offset + 4)], as: UTF8.self)
            let size = file[(offset + 4)..<(offset + 8)].enumerated()
                .reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            if id == "data" { return file[(offset + 8)..<min(file.count, offset + 8 + size)] }
            offset += 8 + size + (size & 1)
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    /// Writes 16-bit mono PCM `samples` (little-endian bytes) as a WAV file.
    static func write16(_ samples: Data, rate: Int = 16_000, to path: String) throws {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var header = Data("RIFF".utf8) + le32(36 + samples.count) + Data("WAVEfmt ".utf8)
        header += le32(16) + le16(1) + le16(1) + le32(rate) + le32(rate * 2) + le16(2) + le16(16)
        header += Data("data".utf8) + le32(samples.count)
        try (header + samples).write(to: URL(fileURLWithPath: path))
    }

    /// 16-bit little-endian samples as floats in [-1, 1) (x / 32768, as libsndfile reads them),
    /// encoded as f32le bytes.
    static func floatBytes(fromS16 data: Data) -> Data {
        var out = Data(capacity: data.count * 2)
        data.withUnsafeBytes { raw in
            for i in 0..<(raw.count / 2) {
                let v = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) / 32768
                withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        }
        return out
    }
}
