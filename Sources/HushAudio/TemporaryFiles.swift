import Foundation
import Synchronization

/// Temporary output files that exist right now, so that a SIGINT/SIGTERM handler can remove them
/// and no half-written file survives an interrupted run.
public enum TemporaryFiles {
    private static let live = Mutex<Set<String>>([])

    static func register(_ path: String) { _ = live.withLock { $0.insert(path) } }
    static func unregister(_ path: String) { _ = live.withLock { $0.remove(path) } }

    /// Deletes every registered temporary file. Called from the CLI's signal handler.
    public static func removeAll() {
        live.withLock { paths in
            for path in paths { unlink(path) }
            paths.removeAll()
        }
    }
}
