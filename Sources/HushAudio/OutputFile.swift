import Foundation
import Synchronization

/// One file a command will write, checked before any work is done. Every output of the CLI
/// (audio, `--report`, the plot's PNG, anything later) goes through this type, so they all follow
/// one discipline:
///
/// - an output that is the same file as an input (device and inode, through symbolic and hard
///   links) or as another output is refused; only the audio output of `hush denoise --overwrite`
///   may name its own input (denoising in place);
/// - an existing regular file is replaced only with `--overwrite`, by writing a temporary file
///   beside it and renaming it over it when complete, with the old file's mode (and, as root, its
///   owner); a symbolic link is followed, so its target is replaced and the link stays a link;
/// - an existing non-regular target (FIFO, character device, `/dev/stdout`) and `-` (standard
///   output) are written in place, never renamed over;
/// - a new file needs an existing, writable directory.
///
/// Temporary files are registered with `TemporaryFiles`, so SIGINT, SIGTERM and SIGHUP delete them.
public struct OutputFile: Sendable {
    /// Where the bytes go.
    public enum Target: Sendable, Equatable {
        /// Standard output (the path `-`).
        case standardOutput
        /// An existing FIFO, device or other non-regular file, opened and written in place.
        case inPlace(path: String)
        /// A regular file (new or replaced) at `destination`, the path with links resolved,
        /// written as a temporary file beside it and renamed. `mode`, `owner` and `group` are the
        /// replaced file's, nil for a new file.
        case regular(destination: String, mode: mode_t?, owner: uid_t, group: gid_t)
    }

    /// The path as the user gave it (used in messages).
    public let path: String
    /// How it is written.
    public let target: Target
    /// Whether this output is the same file as the audio input (denoising in place).
    public let replacesInput: Bool

    /// Identity used to find two names for one file: device and inode for an existing file, the
    /// canonical path for one still to be created.
    fileprivate enum Identity: Hashable {
        case node(dev: UInt64, ino: UInt64)
        case name(String)
    }

    fileprivate let identity: Identity
    fileprivate let isCharacterDevice: Bool
}

/// What a command writes and reads, checked together before it starts.
public enum OutputPlan {
    /// One requested output: its path, and which input it may replace (only the audio output of
    /// a command that denoises in place, and only with `overwrite`).
    public struct Request: Sendable {
        /// The path as given (`-` is standard output).
        public var path: String
        /// The index in `inputs` of the one input this output may be (when `overwrite` is set).
        public var replaceableInput: Int?
        /// A request for `path`, which may replace `inputs[0]` when `mayReplaceInput`.
        public init(_ path: String, mayReplaceInput: Bool = false) {
            self.init(path, mayReplaceInputAt: mayReplaceInput ? 0 : nil)
        }
        /// A request for `path`, which may replace `inputs[index]` (a batch: each output its own input).
        public init(_ path: String, mayReplaceInputAt index: Int?) {
            self.path = path
            self.replaceableInput = index
        }
    }

    /// Checks `outputs` against `inputs` and each other; returns how to write each, in order.
    /// - Parameters:
    ///   - inputs: files the command reads (the audio input first). Each must be a readable
    ///     file now, so that a bad path fails before any work.
    ///   - overwrite: allow replacing existing regular files (`--overwrite`/`-f`).
    /// - Throws: `AudioFileError` naming the first offending path.
    public static func check(inputs: [String], outputs: [Request],
                             overwrite: Bool) throws(AudioFileError) -> [OutputFile] {
        // Identities in dictionaries, so that a batch of many thousand files checks in linear time.
        var regularInputs: [OutputFile.Identity: [Int]] = [:]
        for (index, input) in inputs.enumerated() {
            var info = stat()
            guard stat(input, &info) == 0 else { throw .notFound(path: input) }
            if (info.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(path: input) }
            guard access(input, R_OK) == 0 else {
                throw .unreadable(path: input, reason: "permission denied")
            }
            if (info.st_mode & S_IFMT) == S_IFREG {
                regularInputs[.node(dev: UInt64(info.st_dev), ino: UInt64(info.st_ino)), default: []].append(index)
            }
        }
        var planned: [OutputFile] = []
        var plannedPaths: [OutputFile.Identity: String] = [:]
        for request in outputs {
            var file = try OutputFile.inspect(request.path)
            for index in regularInputs[file.identity] ?? [] {
                guard index == request.replaceableInput else {
                    throw .sameFile(path: request.path, other: inputs[index], otherIsInput: true)
                }
                guard overwrite else { throw .wouldOverwriteInput(path: request.path) }
                file = OutputFile(path: file.path, target: file.target, replacesInput: true,
                                  identity: file.identity, isCharacterDevice: file.isCharacterDevice)
            }
            // Two outputs into one file would leave only the last; a terminal or /dev/null can
            // take both.
            if !file.isCharacterDevice, let earlier = plannedPaths[file.identity] {
                throw .sameFile(path: request.path, other: earlier, otherIsInput: false)
            }
            if case .regular(_, .some, _, _) = file.target, !overwrite {
                throw .outputExists(path: request.path)
            }
            if plannedPaths[file.identity] == nil { plannedPaths[file.identity] = request.path }
            planned.append(file)
        }
        return planned
    }
}

extension OutputFile {
    /// Looks at what is at `path` now and decides how to write it.
    fileprivate static func inspect(_ path: String) throws(AudioFileError) -> OutputFile {
        if path == "-" {
            var info = stat()
            guard fstat(1, &info) == 0 else { throw .unwritable(path: path, reason: "no standard output") }
            return OutputFile(path: path, target: .standardOutput, replacesInput: false,
                              identity: .node(dev: UInt64(info.st_dev), ino: UInt64(info.st_ino)),
                              isCharacterDevice: (info.st_mode & S_IFMT) == S_IFCHR)
        }
        guard !path.isEmpty else { throw .unwritable(path: path, reason: "empty path") }
        var info = stat()
        if stat(path, &info) == 0 {
            let identity = Identity.node(dev: UInt64(info.st_dev), ino: UInt64(info.st_ino))
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw .unwritable(path: path, reason: "is a directory")
            case S_IFREG:
                guard let resolved = realpath(path, nil) else {
                    throw .unwritable(path: path, reason: String(cString: strerror(errno)))
                }
                defer { free(resolved) }
                let destination = String(cString: resolved)
                try checkDirectory(of: destination, for: path)
                return OutputFile(path: path,
                                  target: .regular(destination: destination, mode: info.st_mode & 0o7777,
                                                   owner: info.st_uid, group: info.st_gid),
                                  replacesInput: false, identity: identity, isCharacterDevice: false)
            default:
                return OutputFile(path: path, target: .inPlace(path: path), replacesInput: false,
                                  identity: identity, isCharacterDevice: (info.st_mode & S_IFMT) == S_IFCHR)
            }
        }
        var link = stat()
        if lstat(path, &link) == 0 {
            throw .unwritable(path: path, reason: "is a symbolic link to a missing file")
        }
        let directory = try checkDirectory(of: path, for: path)
        let name = (path as NSString).lastPathComponent
        return OutputFile(path: path,
                          target: .regular(destination: path, mode: nil, owner: 0, group: 0),
                          replacesInput: false, identity: .name(directory + "/" + name),
                          isCharacterDevice: false)
    }

    /// Fails unless the directory of `destination` exists and is writable; returns its canonical path.
    @discardableResult
    private static func checkDirectory(of destination: String, for path: String) throws(AudioFileError) -> String {
        let directory = (destination as NSString).deletingLastPathComponent
        let named = directory.isEmpty ? "." : directory
        var info = stat()
        guard stat(named, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .unwritable(path: path, reason: "directory \(named) does not exist")
        }
        guard access(named, W_OK) == 0 else {
            throw .unwritable(path: path, reason: "directory \(named) is not writable")
        }
        guard let resolved = realpath(named, nil) else { return named }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Opens the file for writing: a new temporary file beside a regular destination (with the
    /// replaced file's mode), the target itself in place, or standard output.
    public func open() throws(AudioFileError) -> OutputSession {
        switch target {
        case .standardOutput:
            return OutputSession(file: self, descriptor: 1, temporary: nil)
        case .inPlace(let path):
            let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC | O_TRUNC)
            guard fd >= 0 else { throw .unwritable(path: self.path, reason: String(cString: strerror(errno))) }
            return OutputSession(file: self, descriptor: fd, temporary: nil)
        case .regular(let destination, let mode, let owner, let group):
            let directory = (destination as NSString).deletingLastPathComponent
            let name = (destination as NSString).lastPathComponent
            let prefix = (directory.isEmpty ? "" : directory + "/") + "." + name + ".hush-tmp-\(getpid())-"
            for attempt in 0..<100 {
                let temporary = prefix + "\(OutputSession.nextSerial() + attempt)"
                TemporaryFiles.register(temporary)  // before the file exists: a signal never misses it
                let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o666)
                if fd < 0 {
                    let error = errno
                    TemporaryFiles.unregister(temporary)
                    if error == EEXIST { continue }
                    throw .unwritable(path: path, reason: String(cString: strerror(error)))
                }
                if let mode {
                    // open() applied the umask; the replaced file's mode is restored exactly.
                    if geteuid() == 0 { _ = fchown(fd, owner, group) }
                    _ = fchmod(fd, mode)
                }
                return OutputSession(file: self, descriptor: fd, temporary: temporary)
            }
            throw .unwritable(path: path, reason: "no free temporary name")
        }
    }

    /// Writes `bytes` as the whole file (open, write, commit).
    public func write(_ bytes: some Collection<UInt8>) throws(AudioFileError) {
        let session = try open()
        try session.write(Array(bytes))
        try session.commit()
    }
}

/// An output being written. `commit()` puts it in place; dropping it uncommitted deletes the
/// temporary file (an in-place target keeps what was written).
public final class OutputSession {
    /// The output.
    public let file: OutputFile
    /// The descriptor to write to.
    public let descriptor: Int32
    private let temporary: String?
    private var finished = false

    private static let serial = Atomic<Int>(0)

    fileprivate static func nextSerial() -> Int {
        serial.wrappingAdd(1, ordering: .relaxed).newValue
    }

    fileprivate init(file: OutputFile, descriptor: Int32, temporary: String?) {
        self.file = file
        self.descriptor = descriptor
        self.temporary = temporary
    }

    deinit { if !finished { abandon() } }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    public func write(_ bytes: [UInt8]) throws(AudioFileError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: file.path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Closes the file and, for a regular destination, renames the temporary file over it.
    public func commit() throws(AudioFileError) {
        guard !finished else { return }
        finished = true
        guard let temporary, case .regular(let destination, _, _, _) = file.target else {
            if descriptor != 1 { close(descriptor) }
            return
        }
        defer { TemporaryFiles.unregister(temporary) }
        let closed = close(descriptor)
        if closed != 0 || rename(temporary, destination) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .unwritable(path: file.path, reason: reason)
        }
    }

    /// Closes the file and deletes the temporary file, if any.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if descriptor != 1 { close(descriptor) }
        if let temporary {
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
        }
    }
}
