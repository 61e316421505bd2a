import Foundation
import Hush

/// Why a model file could not be loaded: one line naming the path.
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line, e.g. "m.hush: cannot read model file".
    public let description: String
}

extension Model {
    /// The model file at `path`, or the bundled model when `path` is nil.
    /// - Throws: `ModelFileError` naming the path when the file cannot be read or is not a valid
    ///   model file.
    public static func load(path: String?) throws -> Model {
        guard let path else { return try Model.bundled() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(description: "\(path): cannot read model file")
        }
        do {
            return try Model.load([UInt8](data))
        } catch {
            throw ModelFileError(description: "\(path): \(error.description)")
        }
    }
}
