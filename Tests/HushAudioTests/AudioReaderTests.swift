import CSndFile
import Foundation
import HushAudio
import Testing

@Suite("Reading bad input")
struct AudioReaderTests {
    @Test("a missing file is .notFound")
    func missing() {
        #expect(throws: AudioFileError.notFound(path: "/nonexistent/x.wav")) {
            try AudioReader.read(path: "/nonexistent/x.wav")
        }
    }

    @Test("a directory is .isDirectory")
    func directory() throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: AudioFileError.isDirectory(path: dir)) { try AudioReader.read(path: dir) }
    }

    @Test("text, a truncated header and an empty file are .unreadable")
    func unreadable() throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = try Data(contentsOf: URL(fileURLWithPath: TestAudio.fixture("noisy-speech-16k.wav")))
        let files: [(String, Data)] = [
            ("text.wav", Data("this is not audio at all, just some text\n".utf8)),
            ("truncated.wav", header.prefix(30)),
            ("zero-bytes.wav", Data()),
        ]
        for (name, bytes) in files {
            let path = dir + "/" + name
            try bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try AudioReader.read(path: path)
                Issue.record("\(name) was read")
            } catch {
                guard case .unreadable = error else { Issue.record("\(name): \(error)"); continue }
            }
        }
    }

    @Test("a valid header with no samples is .empty")
    func noSamples() throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/empty.wav"
        TestAudio.write([], channels: 1, rate: 16_000, format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), to: path)
        #expect(throws: AudioFileError.empty(path: path)) { try AudioReader.read(path: path) }
    }
}

@Suite("Reading from memory")
struct MemoryReaderTests {
    @Test("bytes in memory read exactly like the file", arguments: ["real-speech-16k.flac", "noisy-speech-16k.wav"])
    func sameAsFile(_ name: String) throws {
        let path = TestAudio.fixture(name)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try AudioReader.read(bytes: bytes) == (try AudioReader.read(path: path)))
    }

    @Test("garbage and truncation in memory are errors, not crashes")
    func garbage() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestAudio.fixture("noisy-speech-16k.wav"))))
        #expect(throws: AudioFileError.self) { try AudioReader.read(bytes: Array(bytes.prefix(30))) }
        #expect(throws: AudioFileError.self) { try AudioReader.read(bytes: []) }
        #expect(throws: AudioFileError.self) { try AudioReader.read(bytes: Array("no".utf8)) }
    }
}
