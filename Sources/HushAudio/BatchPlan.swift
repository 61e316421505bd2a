import Foundation

/// One file of a batch: where it is read and where its output goes.
public struct BatchItem: Sendable, Equatable {
    /// The input file, as found (a path named by the user, or one inside a folder they named).
    public var input: String
    /// The output file, under the output folder.
    public var output: String
    /// Size of the input in bytes (for the ETA: the audio's length is known only once it is open).
    public var bytes: Int

    /// An item reading `input` into `output`.
    public init(input: String, output: String, bytes: Int = 0) {
        self.input = input
        self.output = output
        self.bytes = bytes
    }
}

/// Turns the inputs of `hush denoise -o OUTDIR` (files and folders) into a list of items, and
/// checks all of them with `OutputPlan` before any work, so that a batch refuses what the single
/// form refuses (an output that is an input, an existing output without `--overwrite`, an
/// unwritable folder) before it writes anything.
public enum BatchPlan {
    /// Extensions of the files taken from a folder: those libsndfile reads. A file named on the
    /// command line is taken whatever its name (and fails on its own if it is not audio).
    public static let audioExtensions: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "opus", "aif", "aiff", "aifc", "au", "snd", "caf",
        "w64", "rf64", "mp3", "voc", "sf", "paf", "svx", "nist", "sph", "mat", "htk", "sds", "avr",
        "wve", "xi", "mpc",
    ]

    /// The default name pattern: the input's name, with its extension when Hush writes it.
    public static let defaultNamePattern = "{stem}.{ext}"

    /// The output name of `input` under `pattern`: `{stem}` is the name without its extension,
    /// `{ext}` the extension when Hush can write it in `encoding` (wav; flac for 16-bit), else
    /// `wav`, so that an Ogg or MP3 input gives a WAV output rather than an error.
    public static func outputName(of input: String, pattern: String, encoding: OutputEncoding) -> String {
        let name = (input as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension
        let stem = ext.isEmpty ? name : (name as NSString).deletingPathExtension
        let writable = ext.lowercased() == "wav" || (ext.lowercased() == "flac" && encoding == .pcm16)
        return pattern.replacingOccurrences(of: "{stem}", with: stem)
            .replacingOccurrences(of: "{ext}", with: writable ? ext : "wav")
    }

    /// The items for `inputs` (files and folders), in order: a file's output is
    /// `outputDirectory/<name>`; a folder's audio files (hidden ones skipped, subfolders
    /// included, sorted) mirror their relative folders under `outputDirectory`. A folder walk
    /// never enters `outputDirectory`, so that re-running into a folder inside an input folder
    /// does not denoise its own outputs.
    /// - Throws: `AudioFileError.notFound` for an input that does not exist, `.unreadable` for a
    ///   folder that cannot be listed.
    public static func items(inputs: [String], outputDirectory: String, namePattern: String = defaultNamePattern,
                             encoding: OutputEncoding = .pcm16) throws(AudioFileError) -> [BatchItem] {
        let manager = FileManager.default
        let skipped = canonical(outputDirectory)
        func output(_ relativeFolder: String, _ input: String) -> String {
            let name = outputName(of: input, pattern: namePattern, encoding: encoding)
            return ((outputDirectory as NSString).appendingPathComponent(relativeFolder) as NSString)
                .appendingPathComponent(name)
        }
        var items: [BatchItem] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: input, isDirectory: &isFolder) else { throw .notFound(path: input) }
            guard isFolder.boolValue else {
                items.append(BatchItem(input: input, output: output("", input), bytes: size(of: input)))
                continue
            }
            guard let walker = manager.enumerator(atPath: input) else {
                throw .unreadable(path: input, reason: "cannot list folder")
            }
            var found: [String] = []
            while let relative = walker.nextObject() as? String {
                let path = (input as NSString).appendingPathComponent(relative)
                let name = (relative as NSString).lastPathComponent
                if walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
                    if name.hasPrefix(".") || (skipped != nil && canonical(path) == skipped) {
                        walker.skipDescendants()
                    }
                    continue
                }
                guard !name.hasPrefix("."),
                      audioExtensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
                found.append(relative)
            }
            for relative in found.sorted() {
                let path = (input as NSString).appendingPathComponent(relative)
                items.append(BatchItem(input: path, output: output((relative as NSString).deletingLastPathComponent, path),
                                       bytes: size(of: path)))
            }
        }
        return items
    }

    /// Creates the output folders, then checks every input and output together with
    /// `OutputPlan.check` (each output may replace only its own input, with `overwrite`) and every
    /// output's format. On a refusal the folders it created are removed again, so nothing is left.
    /// - Returns: how to write each item's output, in order.
    /// - Throws: the first refusal, naming its path.
    public static func prepare(_ items: [BatchItem], outputDirectory: String, overwrite: Bool,
                               encoding: OutputEncoding) throws(AudioFileError) -> [OutputFile] {
        var created: [String] = []
        do {
            var folders = Set(items.map { ($0.output as NSString).deletingLastPathComponent })
            folders.insert(outputDirectory)
            for folder in folders.sorted() { try makeFolder(folder, recording: &created) }
            let outputs = try OutputPlan.check(
                inputs: items.map(\.input),
                outputs: items.enumerated().map { .init($1.output, mayReplaceInputAt: $0) },
                overwrite: overwrite)
            for (item, output) in zip(items, outputs) where !output.replacesInput {
                _ = try AudioFileFormat(path: item.output, encoding: encoding)
            }
            return outputs
        } catch {
            // Deepest first; rmdir leaves any folder that is not empty.
            for folder in created.reversed() { rmdir(folder) }
            throw error
        }
    }

    /// `mkdir -p`, recording each folder it created.
    private static func makeFolder(_ path: String, recording created: inout [String]) throws(AudioFileError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw .unwritable(path: path, reason: "is not a folder")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeFolder(parent, recording: &created) }
        guard mkdir(path, 0o777) == 0 || errno == EEXIST else {
            throw .unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        created.append(path)
    }

    private static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func size(of path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
