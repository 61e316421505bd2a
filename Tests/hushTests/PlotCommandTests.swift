import Foundation
import Testing

/// `hush plot` as a user runs it: a PNG appears with a one-line summary, and failures leave none.
@Suite("hush plot (command line)", .serialized)
struct PlotCommandTests {
    typealias CLI = DenoiseCommandTests

    @Test("a good run writes the PNG and prints its size")
    func success() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/fig.png"
        let r = try CLI.hush(["plot", "--budget", "0.5", "--width", "300", CLI.noisy, "--out", out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("fig.png: 388×") && r.stdout.contains("budget 0.50"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["fig.png"])
    }

    @Test("missing input and unwritable output fail with one line and no file")
    func failures() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLI.expectFailure(try CLI.hush(["plot", dir + "/nope.wav", "--out", dir + "/a.png"]),
                          output: dir + "/a.png", mentioning: "no such file")
        let out = dir + "/missing-dir/b.png"
        CLI.expectFailure(try CLI.hush(["plot", CLI.noisy, "--out", out]), output: out, mentioning: "cannot write")
        let r = try CLI.hush(["plot", CLI.noisy, "--out", dir + "/c.png", "--width", "10"])
        #expect(r.status != 0 && r.stderr.contains("--width"))
    }

    @Test("--attenuation-limit is honoured: the figure changes with it")
    func attenuationLimit() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var pictures: [Data] = []
        for (name, limit) in [("a", "6"), ("b", "none")] {
            let out = dir + "/\(name).png"
            let r = try CLI.hush(["plot", "--width", "200", "--attenuation-limit", limit, CLI.noisy, "--out", out])
            #expect(r.status == 0, "stderr: \(r.stderr)")
            pictures.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        #expect(pictures[0] != pictures[1])
    }
}
