import CPNG
#if canImport(Glibc)
import Glibc
#endif

/// PNG reading and writing through libpng's simplified API (`png_image`), which reports errors
/// through return values instead of `longjmp`, so it is safe to call from Swift.
public enum PNGFile {
    /// Writes `image` as an 8-bit RGB PNG at `path` (replacing any file there; for tests and
    /// tools: the CLI writes through a checked output instead).
    /// - Throws: `PlotError.pngWrite` when the file cannot be encoded or written.
    public static func write(_ image: RGBImage, to path: String) throws(PlotError) {
        let bytes = try encode(image, name: path)
        guard let file = fopen(path, "wb") else {
            throw .pngWrite(path: path, reason: String(cString: strerror(errno)))
        }
        let written = fwrite(bytes, 1, bytes.count, file)
        guard fclose(file) == 0, written == bytes.count else {
            throw .pngWrite(path: path, reason: "write failed")
        }
    }

    /// Encodes `image` as an 8-bit RGB PNG in memory (for writing through a checked output).
    /// - Throws: `PlotError.pngWrite` with libpng's message.
    public static func encode(_ image: RGBImage, name: String) throws(PlotError) -> [UInt8] {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = UInt32(PNG_FORMAT_RGB)
        var size: png_alloc_size_t = 0
        var bytes: [UInt8] = []
        var ok = image.pixels.withUnsafeBytes { pixels in
            png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, Int32(image.width * 3), nil)
        }
        if ok != 0 {
            bytes = [UInt8](repeating: 0, count: Int(size))
            ok = image.pixels.withUnsafeBytes { pixels in
                bytes.withUnsafeMutableBytes { out in
                    png_image_write_to_memory(&png, out.baseAddress, &size, 0, pixels.baseAddress,
                                              Int32(image.width * 3), nil)
                }
            }
        }
        let message = Self.message(&png)
        png_image_free(&png)
        guard ok != 0 else { throw .pngWrite(path: name, reason: message) }
        return Array(bytes.prefix(Int(size)))
    }

    /// Reads any PNG at `path`, converted by libpng to 8-bit RGB.
    /// - Throws: `PlotError.pngRead` with libpng's message for a missing or invalid file.
    public static func read(path: String) throws(PlotError) -> RGBImage {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&png, path) != 0 else {
            let message = Self.message(&png)
            png_image_free(&png)
            throw .pngRead(path: path, reason: message)
        }
        png.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(png.width), height = Int(png.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let ok = pixels.withUnsafeMutableBytes { bytes in
            png_image_finish_read(&png, nil, bytes.baseAddress, Int32(width * 3), nil)
        }
        let message = Self.message(&png)
        png_image_free(&png)
        guard ok != 0 else { throw .pngRead(path: path, reason: message) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// libpng's message buffer as a string.
    private static func message(_ png: inout png_image) -> String {
        withUnsafeBytes(of: &png.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// Errors from drawing and writing figures.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    /// libpng could not write the file.
    case pngWrite(path: String, reason: String)
    /// libpng could not read the file.
    case pngRead(path: String, reason: String)
    /// There is nothing to draw (no frames).
    case empty

    /// A one-line message.
    public var description: String {
        switch self {
        case .pngWrite(let path, let reason): "\(path): cannot write PNG (\(reason))"
        case .pngRead(let path, let reason): "\(path): cannot read PNG (\(reason))"
        case .empty: "nothing to plot: the signal is shorter than one frame"
        }
    }
}
