import Foundation

/// A CSV file written a row at a time, in the same shape as ``CSVWriter`` (BOM, CRLF, RFC 4180,
/// formulas neutralised), for files too long to hold whole (a plan of 100,000 invoices). The
/// rows go to `NAME.partial` beside the target, renamed into place by ``finish()``: a reader
/// never sees half a file.
public final class CSVFileWriter {
    public let url: URL
    private let partial: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    /// Creates the folder if needed and writes the header.
    public init(url: URL, header: [String]) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        partial = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
            throw CSVError.cannotWrite(path: partial.path, reason: String(cString: strerror(errno)))
        }
        handle = try FileHandle(forWritingTo: partial)
        buffer.reserveCapacity(1 << 16)
        buffer += [0xEF, 0xBB, 0xBF]
        try append(header)
    }

    deinit {
        try? handle.close()
    }

    public func append(_ cells: [String]) throws {
        buffer += CSVWriter.line(cells).utf8
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes what is buffered and moves the file into place.
    public func finish() throws {
        try flush()
        try handle.close()
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: partial, to: url)
    }

    /// Gives the file up: the partial file is removed and the target left as it was.
    public func discard() {
        buffer.removeAll()
        try? handle.close()
        try? FileManager.default.removeItem(at: partial)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
