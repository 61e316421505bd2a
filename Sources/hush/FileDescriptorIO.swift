import Glibc

/// read(2)/write(2) on raw file descriptors for `hush stream`, robust to what real-time pipes do:
/// short reads and writes, EINTR, and non-blocking descriptors (EAGAIN waits in poll(2)).
enum FileDescriptorIO {
    /// Outcome of writing a whole buffer.
    enum WriteOutcome: Equatable {
        case written
        /// The reader closed the pipe (EPIPE): a clean end for a stream filter, not an error.
        case readerGone
        case failed(errno: Int32)
    }

    /// Reads up to `capacity` bytes: returns the count read, 0 at end of input, −errno on error.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        while true {
            let n = read(fd, buffer, capacity)
            if n >= 0 { return n }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK {
                wait(fd, for: Int16(POLLIN))
                continue
            }
            return -Int(error)
        }
    }

    /// Writes all of `bytes`, however many calls that takes.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> WriteOutcome {
        guard var cursor = bytes.baseAddress else { return .written }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, cursor, left)
            if n > 0 {
                cursor += n
                left -= n
                continue
            }
            let error = errno
            if n < 0 && error == EINTR { continue }
            if n < 0 && (error == EAGAIN || error == EWOULDBLOCK) {
                wait(fd, for: Int16(POLLOUT))
                continue
            }
            if n < 0 && error == EPIPE { return .readerGone }
            return .failed(errno: n < 0 ? error : EIO)
        }
        return .written
    }

    /// Blocks until `fd` is ready for `events` (or reports an error, which the next call sees).
    private static func wait(_ fd: Int32, for events: Int16) {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&descriptor, 1, -1)
    }
}
