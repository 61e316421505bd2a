// swift-tools-version: 6.0
// libFuzzer targets for Hush's parsers and streaming input. Build and run with fuzz/run; they
// need `-sanitize=fuzzer,address -parse-as-library`, so they live apart from the main package.
import PackageDescription

let package = Package(
    name: "HushFuzz",
    dependencies: [.package(name: "Hush", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzModelFile", dependencies: ["FuzzDriver", .product(name: "Hush", package: "Hush")]),
        .executableTarget(name: "FuzzAudioReader", dependencies: ["FuzzDriver", .product(name: "HushAudio", package: "Hush")]),
        .executableTarget(name: "FuzzStreamInput", dependencies: ["FuzzDriver", .product(name: "Hush", package: "Hush")]),
    ],
    swiftLanguageModes: [.v6]
)
