import HushAudio

/// The stdin → stdout loop: fixed buffers, read(2) at most one hop at a time, write each chunk at
/// once. Allocates nothing per chunk.
enum StreamLoop {
    enum Outcome: Equatable {
        /// Input ended; the tail was flushed. `droppedBytes` of an incomplete sample were ignored.
        case endOfInput(droppedBytes: Int)
        /// The reader closed stdout.
        case readerGone
        case readFailed(errno: Int32)
        case writeFailed(errno: Int32)
        /// Stdin began with a WAV header whose format the options contradict.
        case headerMismatch(WAVStreamHeader)
    }

    /// Runs the loop. A WAV (RIFF) header at the start of stdin is skipped, after `onHeader` has
    /// been told; if it returns false (the header contradicts the options) the run stops.
    static func run(_ stream: PCMStream, monitor: FrameMonitor,
                    onHeader: (WAVStreamHeader) -> Bool) -> Outcome {
        // One hop of input at most, so no more than one hop waits in our buffer.
        let capacity = stream.denoiser.configuration.hop * stream.inputFrameBytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var writeError: Int32 = 0
        var readerGone = false
        let emit = { (bytes: UnsafeRawBufferPointer) -> Bool in
            switch FileDescriptorIO.writeAll(1, bytes) {
            case .written: return true
            case .readerGone: readerGone = true
            case .failed(let error): writeError = error
            }
            return false
        }
        // The first bytes: raw PCM, or a WAV file piped in (its header is not audio).
        let prefix = UnsafeMutableRawBufferPointer.allocate(byteCount: WAVStreamHeader.scanLimit, alignment: 16)
        defer { prefix.deallocate() }
        var filled = 0
        var scan = WAVStreamHeader.Scan.needMore
        while scan == .needMore && filled < prefix.count {
            let n = FileDescriptorIO.readSome(0, into: prefix.baseAddress! + filled, capacity: min(capacity, prefix.count - filled))
            if n < 0 { return .readFailed(errno: Int32(-n)) }
            if n == 0 { break }
            filled += n
            scan = WAVStreamHeader.scan(UnsafeRawBufferPointer(rebasing: prefix[0..<filled]))
        }
        var start = 0
        if case .found(let header) = scan {
            guard onHeader(header) else { return .headerMismatch(header) }
            start = min(header.headerBytes, filled)
        }
        if filled > start, !stream.push(UnsafeRawBufferPointer(rebasing: prefix[start..<filled]),
                                        onFrame: monitor.frame(seconds:), emit: emit) {
            return readerGone ? .readerGone : .writeFailed(errno: writeError)
        }
        while true {
            let n = FileDescriptorIO.readSome(0, into: buffer, capacity: capacity)
            if n < 0 { return .readFailed(errno: Int32(-n)) }
            if n == 0 { break }
            let going = stream.push(UnsafeRawBufferPointer(start: buffer, count: n),
                                    onFrame: monitor.frame(seconds:), emit: emit)
            if !going { return readerGone ? .readerGone : .writeFailed(errno: writeError) }
        }
        let dropped = stream.finish(onFrame: monitor.frame(seconds:), emit: emit)
        if readerGone { return .readerGone }
        if writeError != 0 { return .writeFailed(errno: writeError) }
        return .endOfInput(droppedBytes: dropped)
    }
}
