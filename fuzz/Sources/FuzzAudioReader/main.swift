import FuzzDriver
import HushAudio

/// Any bytes as an audio file, through libsndfile and Hush's reader and downmix: must read or
/// throw `AudioFileError`, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudioReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let audio = try? AudioReader.read(bytes: bytes) else { return 0 }
    precondition(audio.channels > 0 && audio.sampleRate > 0 && !audio.samples.isEmpty)
    let mono = audio.downmixedToMono()
    precondition(mono.count == audio.frameCount)
    return 0
}

@_cdecl("FuzzAudioReader_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { fuzzAudioReader($0, $1) }
}
