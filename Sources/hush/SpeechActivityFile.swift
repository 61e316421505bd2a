import Hush
import HushAudio

/// The CSV written by `hush denoise --vad FILE.csv`: one row per STFT frame of the input,
/// `time_s,speech_probability`, where `time_s` is the centre of the frame's analysis window in
/// the input's time (frame t spans [t·hop − (n_fft − hop), t·hop + hop) at the model rate, so its
/// centre is (t·hop + hop − n_fft/2) / rate: 16 ms steps for the bundled model) and the
/// probability is the model's speech-activity head for that frame (FORMAT.md). Frames whose
/// centre lies past the end of the input (the tail flush) are left out.
///
/// Rows are written as the run goes, into the output's session (a temporary file renamed over
/// the destination at the end), so memory stays constant on any length. The last `holdback`
/// rows wait until the input's duration is known, because only then is it known which of them
/// are flush frames past its end.
final class SpeechActivityFile {
    /// Rows held back: more than the flush frames of any run (the STFT and resampler latency,
    /// a few frames), so every row past the end is still pending when the run ends.
    static let holdback = 64

    private let session: OutputSession
    private let hop: Int
    private let centreOffset: Int
    private let rate: Double
    private var pending: [Float]
    private var pendingStart = 0   // index in `pending` of the oldest held row
    private var frames = 0         // rows appended so far
    private var line = ASCIILine(capacity: 64)
    /// The first failure to write a row, as a one-line message; `finish` reports it.
    private(set) var problem: String?

    /// Fails unless `model` has a speech-activity head (checked before any work is done).
    static func check(_ model: Model) throws {
        guard model.hasSpeechHead else {
            throw ValidationFailure(message:
                "--vad: the model has no speech-activity head (add one with training/vadhead.py)")
        }
    }

    deinit { line.deallocate() }

    /// Opens `output` for the rows of a run of `configuration`'s model.
    init(for output: OutputFile, configuration c: ModelConfiguration) throws(AudioFileError) {
        session = try output.open()
        hop = c.stft.hop
        centreOffset = c.stft.hop - c.stft.frameLength / 2
        rate = Double(c.stft.sampleRate)
        pending = [Float](repeating: 0, count: Self.holdback)
        try session.write(Array("time_s,speech_probability\n".utf8))
    }

    private func centre(ofFrame t: Int) -> Double { Double(t * hop + centreOffset) / rate }

    private func writeRow(_ t: Int, _ p: Float) throws(AudioFileError) {
        line.clear()
        line.append(centre(ofFrame: t), places: 3)
        line.append(byte: UInt8(ascii: ","))
        line.append(Double(p), places: 4)
        line.append(byte: UInt8(ascii: "\n"))
        try session.write(Array(line.bytes))
    }

    /// Takes one frame's record (its probability; -1 if it has none).
    func append(_ record: FrameRecord) {
        guard problem == nil else { return }
        let p = record.speechProbability ?? -1
        if frames >= Self.holdback {
            let oldest = frames - Self.holdback
            do { try writeRow(oldest, pending[pendingStart]) } catch { problem = error.description; return }
            pending[pendingStart] = p
            pendingStart = (pendingStart + 1) % Self.holdback
        } else {
            pending[frames] = p
        }
        frames += 1
    }

    /// Writes the held rows that lie inside the input's `duration` (seconds) and commits the file.
    func finish(duration: Double) throws {
        if let problem { throw ValidationFailure(message: problem) }
        try runReportingErrors {
            let first = max(0, frames - Self.holdback)
            for t in first..<frames where centre(ofFrame: t) < duration {
                try writeRow(t, pending[(pendingStart + t - first) % Self.holdback])
            }
            try session.commit()
        }
    }
}
