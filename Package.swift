// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Hush",
    products: [
        .library(name: "Hush", targets: ["Hush"]),
        .library(name: "HushAudio", targets: ["HushAudio"]),
        .library(name: "HushPlot", targets: ["HushPlot"]),
        .executable(name: "hush", targets: ["hush"]),
        .executable(name: "hush-bench", targets: ["HushBench"]),
        // libCHush.a for devices and C programs: the C API (include/hush.h) over the core only.
        // (A product cannot be named "hush" beside the executable: SwiftPM silently drops it.
        // examples/c/build.sh ships the archive as libhush.a.)
        .library(name: "CHush", type: .static, targets: ["CHush"]),
        .executable(name: "hush-kernel-bench", targets: ["HushKernelBench"]),
        // libhush-stream.so for desktop hosts (Python, plug-ins, applications): include/hush_stream.h,
        // the CLI's whole pipeline at any rate, plus hush.h's functions.
        .library(name: "hush-stream", type: .dynamic, targets: ["CHushStream"]),
        // libhush-ladspa.so: the LADSPA plug-in (PipeWire/PulseAudio filter chains, sox, Ardour …).
        .library(name: "hush-ladspa", type: .dynamic, targets: ["HushLADSPA"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(
            name: "CFFTW", pkgConfig: "fftw3f",
            providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(
            name: "CSndFile", pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(
            name: "CSoxr", pkgConfig: "soxr",
            providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),

        // The core: streaming STFT, network, kernels. No Foundation, no file I/O.
        // The bundled default model, linked in as read-only data (weights as data, as in RNNoise).
        .target(
            name: "CHushModel",
            cSettings: [.headerSearchPath("../../models")]),
        // C support for the kernels: software prefetch, the selection's left-packing table.
        .target(name: "CKernelSupport"),
        .target(
            name: "Hush",
            dependencies: ["CFFTW", "CHushModel", "CKernelSupport"]),
        // The C API of include/hush.h: @_cdecl functions over the core. No Foundation.
        .target(
            name: "CHush",
            dependencies: ["Hush"]),
        // The C API of include/hush_stream.h: DenoisePipeline (resampling, DC blocker, full band)
        // behind @_cdecl functions, for the shared library.
        .target(
            name: "CHushStream",
            dependencies: ["CHush", "Hush", "HushAudio"]),
        // The LADSPA plug-in: C glue (ladspa.h from Debian's ladspa-sdk) over hush_stream.h.
        .target(
            name: "HushLADSPA",
            dependencies: ["CHushStream"],
            cSettings: [.headerSearchPath("../../include")]),
        // Audio files (libsndfile), resampling (libsoxr), downmix, whole-file jobs.
        .target(
            name: "HushAudio",
            dependencies: ["Hush", "CSndFile", "CSoxr"]),
        // Speech-quality metrics (PESQ, STOI/ESTOI, SI-SDR) on plain sample arrays.
        .target(
            name: "HushMetrics",
            dependencies: ["Hush"]),
        // Figures of a denoising run (spectrograms, mask, channel activity) as PNG via libpng.
        .target(
            name: "HushPlot",
            dependencies: ["Hush", "CPNG"]),
        // The thin command-line tool.
        .executableTarget(
            name: "hush",
            dependencies: [
                "Hush", "HushAudio", "HushMetrics", "HushPlot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Counts heap allocations on a thread, to prove the frame loop allocates nothing.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),

        // Speed benchmark (bench/engine-speed); not part of the library.
        .executableTarget(
            name: "HushBench",
            dependencies: [
                "Hush", "HushAudio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Per-layer cost and kernels vs OpenBLAS (bench/run); OpenBLAS is dlopen'ed, not linked.
        .executableTarget(
            name: "HushKernelBench",
            dependencies: [
                "Hush", "HushAudio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "HushTests", dependencies: ["Hush", "HushAudio", "AllocationCounter", "CKernelSupport"],
                    exclude: ["Network/Fixtures"]),
        .testTarget(name: "HushAudioTests", dependencies: ["HushAudio", "CSndFile", "AllocationCounter"]),
        .testTarget(name: "hushTests", dependencies: ["hush", "HushAudio", "CSndFile"], exclude: ["BadInput"]),
        .testTarget(name: "CHushTests", dependencies: ["CHush", "Hush", "AllocationCounter"]),
        .testTarget(name: "HushMetricsTests", dependencies: ["HushMetrics", "HushAudio"],
                    exclude: ["Validation"]),
        .testTarget(name: "HushPlotTests", dependencies: ["HushPlot", "HushAudio"]),
    ],
    swiftLanguageModes: [.v6]
)
