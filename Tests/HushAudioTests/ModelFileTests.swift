import Foundation
import Hush
import HushAudio
import Testing

@Suite("Model files by path")
struct ModelFileTests {
    @Test("nil is the bundled model; a model file loads to the same network")
    func loads() throws {
        let bundled = try Model.load(path: nil)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let file = try Model.load(path: root + "/models/hush-default.hush")
        #expect(file.configuration == bundled.configuration)
    }

    @Test("a missing path, a directory and a file that is not a model give one line naming the path")
    func refuses() throws {
        let dir = try TestAudio.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = dir + "/text.hush"
        try Data("not a model\n".utf8).write(to: URL(fileURLWithPath: text))
        for (path, line) in [("/nonexistent/m.hush", "/nonexistent/m.hush: cannot read model file"),
                             (dir, "\(dir): cannot read model file")] {
            let error = #expect(throws: ModelFileError.self) { try Model.load(path: path) }
            #expect(error?.description == line)
        }
        let error = #expect(throws: ModelFileError.self) { try Model.load(path: text) }
        #expect(error?.description.hasPrefix("\(text): invalid model") == true)
        #expect(error?.description.contains("\n") == false)
    }
}
