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
    static func run(_ arguments: [String], input: Data, chunks: [Int] = [4096],
                    readLimit: Int? = nil) throws -> Result {
        // Writing into a pipe whose reader died must not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DenoiseCommandTests.executable)
        process.arguments = ["stream"] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()

        let writer = Thread {
            let fd = stdin.fileHandleForWriting.fileDescriptor
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
        }
        writer.start()

        let errorData = LockedData()
        let errorThread = Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        errorThread.start()

        var output = Data()
        if let limit = readLimit {
            let fd = stdout.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 4096)
            while output.count < limit {
                let n = read(fd, &buffer, min(buffer.count, limit - output.count))
                if n <= 0 { break }
                output.append(contentsOf: buffer[0..<n])
            }
            close(fd)
        } else {
            output = stdout.fileHandleForReading.readDataToEndOfFile()
        }
        process.waitUntilExit()
        while errorData.get() == nil { usleep(1000) }
        return Result(status: process.terminationStatus, reason: process.terminationReason,
                      stdout: output, stderr: String(decoding: errorData.get()!, as: UTF8.self))
    }
}

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
