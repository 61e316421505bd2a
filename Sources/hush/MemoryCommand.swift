import ArgumentParser
import Foundation
import Hush
import HushAudio

/// `hush memory`: the memory map of a model and one state, as the engine's arena measures it
/// (the numbers hush_model_get_size and hush_state_get_size return). firmware-notes/ prints its
/// tables through this command, so there is one source of truth for the sizes.
struct MemoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Print the memory map (bytes) of a model and one denoiser state.",
        discussion: """
            The sizes are measured by the same carving code that builds the model and the state \
            in caller memory (include/hush.h: hush_model_init, hush_init), on this host \
            (64-bit pointers). Prints a markdown table.
            """)

    @Option(help: ArgumentHelp("Model file (default: the bundled model).", valueName: "path"))
    var model: String?

    func run() throws {
        let loaded: Model
        do { loaded = try Model.load(path: model) } catch let error as ModelFileError {
            throw ValidationFailure(message: error.description)
        }
        let f = MemoryFootprint(configuration: loaded.configuration)
        let slack = Arena.alignment - 1
        print("""
            | part | bytes | where |
            |---|---:|---|
            | model arena: weights in the engine's layout (\(loaded.weightBytes) bytes, \
            \(loaded.configuration.weightFormat == .int8 ? "int8 matrices with f32 scales" : "f32")), \
            each tensor 64-byte aligned, dilation and block tables, handle | \(f.weights) | \
            RAM, read-only after hush_model_init |
            | state: causal histories | \(f.networkState) | SRAM, persistent |
            | state: network scratch (features, residual, scores, active lists, u/v, mask, \
            bookkeeping, handle) | \(f.networkScratch) | SRAM, per frame |
            | state: STFT windows, input frame, overlap-add, flush hop, handles | \(f.stft) | SRAM, persistent |
            | state: FFT time frame + half spectrum | \(f.fftBuffers) | SRAM, per frame |
            | **hush_model_get_size()** (model arena + \(slack) realignment) | **\(f.model + slack)** | one block |
            | **hush_state_get_size()** (state arena + \(slack) realignment) | **\(f.state + slack)** | one block per stream |
            """)
    }
}
