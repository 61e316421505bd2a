import Foundation
import Synchronization

/// An unnamed file for bytes a command must hold until the end of a run without keeping them in
/// memory (the per-frame part of `hush denoise --report`, whose totals come first in the JSON but
/// are known only at the end). It is unlinked as soon as it is created, so nothing is left behind
/// whatever ends the process; appends are buffered, so memory stays at one buffer.
public final class ScratchFile {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 16
    /// Named in errors: the output the bytes are for.
    private let path: String

    /// A scratch file for `output`: beside it when it is a regular file (the same file system it
    /// must fit on anyway, rather than a /tmp that may be RAM), else in `$TMPDIR` or /tmp.
    public init(for output: OutputFile) throws(AudioFileError) {
        path = output.path
        let directory: String
        if case .regular(let destination, _, _, _) = output.target {
            let parent = (destination as NSString).deletingLastPathComponent
            directory = parent.isEmpty ? "." : parent
        } else {
            directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        }
        let prefix = directory + "/.hush-scratch-\(getpid())-"
        for attempt in 0..<100 {
            let name = prefix + "\(ScratchFile.nextSerial() + attempt)"
            TemporaryFiles.register(name)  // before it exists: a signal before the unlink never misses it
            let fd = Glibc.open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            let error = errno
            if fd >= 0 { unlink(name) }
            TemporaryFiles.unregister(name)
            if fd >= 0 {
                descriptor = fd
                buffer.reserveCapacity(Self.bufferSize)
                return
            }
            if error != EEXIST {
                throw .unwritable(path: path, reason: "scratch file in \(directory): \(String(cString: strerror(error)))")
            }
        }
        throw .unwritable(path: path, reason: "no free scratch file name in \(directory)")
    }

    deinit { close(descriptor) }

    private static let serial = Atomic<Int>(0)

    private static func nextSerial() -> Int { serial.wrappingAdd(1, ordering: .relaxed).newValue }

    /// Appends `bytes` (written out whenever the buffer fills).
    public func append(_ bytes: some Sequence<UInt8>) throws(AudioFileError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Writes everything appended so far, in order, to `session`, reading it back a buffer at a
    /// time.
    public func copy(to session: OutputSession) throws(AudioFileError) {
        try flush()
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw failure() }
        var chunk = [UInt8](repeating: 0, count: Self.bufferSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure()
            }
            if n == 0 { break }
            try session.write(n == chunk.count ? chunk : Array(chunk[0..<n]))
        }
        guard lseek(descriptor, 0, SEEK_END) >= 0 else { throw failure() }
    }

    private func flush() throws(AudioFileError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure()
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func failure() -> AudioFileError {
        .unwritable(path: path, reason: "scratch file: \(String(cString: strerror(errno)))")
    }
}
