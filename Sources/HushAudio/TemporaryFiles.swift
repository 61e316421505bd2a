import Foundation
import Synchronization

/// Temporary output files that exist right now, so that a SIGINT/SIGTERM/SIGHUP handler can delete them
/// and no half-written file survives an interrupted run.
///
/// A signal handler may only call async-signal-safe functions and must not take a lock that the
/// interrupted code might hold, so paths live as C strings in a fixed table of atomic slots:
/// registering claims a slot with a compare-and-swap, and the handler reads the slots and calls
/// `unlink` (which is async-signal-safe).
public enum TemporaryFiles {
    /// One slot: the address of a strdup'ed path, or 0.
    private final class Slot: Sendable {
        let address = Atomic<Int>(0)
    }

    /// One slot per temporary file open at once: a batch has one per job (`--jobs`, every core
    /// by default), so this is sized for a large machine rather than for one output at a time.
    private static let slots: [Slot] = (0..<1024).map { _ in Slot() }

    /// Records `path` until `unregister`. If every slot is taken the file is simply not
    /// protected against signals (it is still removed on ordinary errors).
    static func register(_ path: String) {
        guard let copy = strdup(path) else { return }
        let bits = Int(bitPattern: copy)
        for slot in slots where slot.address.compareExchange(expected: 0, desired: bits, ordering: .sequentiallyConsistent).exchanged {
            return
        }
        free(copy)
    }

    /// Forgets `path` (after it was renamed into place or deleted).
    static func unregister(_ path: String) {
        for slot in slots {
            let bits = slot.address.load(ordering: .sequentiallyConsistent)
            guard bits != 0, let pointer = UnsafeMutablePointer<CChar>(bitPattern: bits),
                  String(cString: pointer) == path,
                  slot.address.compareExchange(expected: bits, desired: 0, ordering: .sequentiallyConsistent).exchanged
            else { continue }
            free(pointer)
        }
    }

    /// Deletes every registered temporary file. Async-signal-safe: no allocation, no locks.
    public static func removeAllFromSignalHandler() {
        for slot in slots {
            let bits = slot.address.load(ordering: .sequentiallyConsistent)
            if bits != 0, let pointer = UnsafePointer<CChar>(bitPattern: bits) { unlink(pointer) }
        }
    }

    /// Installs SIGINT/SIGTERM/SIGHUP/SIGPIPE handlers that delete the temporary files and exit with
    /// 128 + signal. SIGPIPE included: a reader that closes a pipe output (`--vad -`, `--report -`)
    /// ends the run as Unix tools end, but must not leave another output's temporary file behind.
    public static func removeOnInterrupt() {
        // A parent may have spawned us with these signals blocked (threads of test runners and
        // supervisors often do); a blocked SIGTERM would let the run finish instead of stopping.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGHUP)
        sigaddset(&unblock, SIGPIPE)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
            signal(signalNumber) { received in
                TemporaryFiles.removeAllFromSignalHandler()
                _exit(128 + received)
            }
        }
    }
}
