import Foundation
import PortBooksCore

/// A CSV file's text as UTF-8 bytes, read a piece at a time: a file of any size costs one
/// buffer of ``pieceSize`` bytes (and its UTF-8 form), not its size.
///
/// Spreadsheets save CSV as UTF-8 (with or without a BOM), as UTF-16 with a BOM (Excel's
/// "Unicode text"), or in the Windows code page (Excel's "CSV" on Windows). The encoding is
/// decided before the first byte is handed out: a BOM says it; without one the file is UTF-8
/// only if all of it is valid UTF-8 (checked in one streaming pass), else Windows-1252.
/// Bytes are handed out already converted to UTF-8, the BOM left out.
///
/// Not thread-safe: one source per reading pass.
final class CSVByteSource {
    enum Encoding {
        case utf8, utf16LittleEndian, utf16BigEndian, windows1252
    }

    /// How much of the file is read at once.
    static let pieceSize = 1 << 16

    private let descriptor: Int32?
    private let path: String
    /// Set before the first byte is handed out (every stored property has a value first, so a
    /// failing initialiser still closes the file in `deinit`).
    private(set) var encoding = Encoding.utf8
    /// Bytes not yet handed out are `buffer[index...]`.
    private var buffer: [UInt8] = []
    private var index = 0
    private var endOfInput = false
    /// UTF-16 only: a byte of an unfinished code unit, and a high surrogate waiting for its pair.
    private var pendingByte: UInt8?
    private var pendingHighSurrogate: UInt16?

    /// Bytes already in memory (already UTF-8, BOM removed).
    init(bytes: [UInt8]) {
        descriptor = nil
        path = ""
        buffer = bytes
        endOfInput = true
    }

    /// Opens `url` and decides its encoding (reading it once through when it has no BOM).
    init(url: URL) throws(CSVError) {
        path = url.path
        let opened: Int32
        do {
            opened = try ReadableFile.openForReading(url.path)
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        descriptor = opened
        var head = [UInt8](repeating: 0, count: 3)
        let count = try Self.read(opened, into: &head, path: url.path)
        head.removeSubrange(count...)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            encoding = .utf8
        } else if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            encoding = head[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            pendingByte = count == 3 ? head[2] : nil
        } else {
            guard lseek(opened, 0, SEEK_SET) == 0 else {
                throw .unreadable(path: url.path, reason: String(cString: strerror(errno)))
            }
            encoding = try Self.isValidUTF8(opened, path: url.path) ? .utf8 : .windows1252
            guard lseek(opened, 0, SEEK_SET) == 0 else {
                throw .unreadable(path: url.path, reason: String(cString: strerror(errno)))
            }
        }
    }

    deinit {
        if let descriptor { close(descriptor) }
    }

    /// The next byte, without taking it; `nil` at the end.
    @inline(__always)
    func peek() throws(CSVError) -> UInt8? {
        if index < buffer.count { return buffer[index] }
        return try refill() ? buffer[index] : nil
    }

    /// Takes the byte `peek()` returned.
    @inline(__always)
    func advance() {
        index += 1
    }

    /// Up to `count` bytes from the current position, without taking them (the header line,
    /// to choose the delimiter from).
    func lookahead(_ count: Int) throws(CSVError) -> [UInt8] {
        while buffer.count - index < count, !endOfInput {
            let kept = Array(buffer[index...])
            index = 0
            buffer = kept
            var piece: [UInt8] = []
            guard try readPiece(into: &piece) else { break }
            buffer += piece
        }
        return Array(buffer[index..<min(buffer.count, index + count)])
    }

    /// Replaces the used-up buffer with the next piece; `false` at the end.
    private func refill() throws(CSVError) -> Bool {
        buffer.removeAll(keepingCapacity: true)
        index = 0
        var piece: [UInt8] = []
        while buffer.isEmpty {
            guard try readPiece(into: &piece) else { return false }
            buffer = piece
        }
        return true
    }

    /// The next piece of the file as UTF-8; `false` when there is none.
    private func readPiece(into piece: inout [UInt8]) throws(CSVError) -> Bool {
        piece.removeAll(keepingCapacity: true)
        guard let descriptor, !endOfInput else { return false }
        var raw = [UInt8](repeating: 0, count: Self.pieceSize)
        let count = try Self.read(descriptor, into: &raw, path: path)
        if count == 0 {
            endOfInput = true
            if pendingByte != nil || pendingHighSurrogate != nil {
                piece.append(contentsOf: [0xEF, 0xBF, 0xBD])
                pendingByte = nil
                pendingHighSurrogate = nil
            }
            return !piece.isEmpty
        }
        raw.removeSubrange(count...)
        switch encoding {
        case .utf8: piece = raw
        case .windows1252: Self.appendWindows1252(raw, to: &piece)
        case .utf16LittleEndian, .utf16BigEndian: appendUTF16(raw, to: &piece)
        }
        return true
    }

    private func appendUTF16(_ raw: [UInt8], to piece: inout [UInt8]) {
        var bytes = raw
        if let pending = pendingByte {
            bytes.insert(pending, at: 0)
            pendingByte = nil
        }
        if bytes.count % 2 == 1 { pendingByte = bytes.removeLast() }
        var position = 0
        while position < bytes.count {
            let first = UInt16(bytes[position])
            let second = UInt16(bytes[position + 1])
            position += 2
            let unit = encoding == .utf16LittleEndian ? first | second << 8 : first << 8 | second
            var scalar: Unicode.Scalar?
            if let high = pendingHighSurrogate {
                pendingHighSurrogate = nil
                if (0xDC00..<0xE000).contains(unit) {
                    scalar = Unicode.Scalar(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00))
                } else {
                    Self.append("\u{FFFD}", to: &piece)
                }
            }
            if scalar == nil {
                if (0xD800..<0xDC00).contains(unit) {
                    pendingHighSurrogate = unit
                    continue
                }
                scalar = (0xDC00..<0xE000).contains(unit) ? "\u{FFFD}" : Unicode.Scalar(unit)
            }
            Self.append(scalar ?? "\u{FFFD}", to: &piece)
        }
    }

    private static func append(_ scalar: Unicode.Scalar, to piece: inout [UInt8]) {
        piece.append(contentsOf: String(scalar).utf8)
    }

    /// Windows-1252's 0x80–0x9F; the five bytes it leaves undefined keep their Latin-1 value.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    private static func appendWindows1252(_ raw: [UInt8], to piece: inout [UInt8]) {
        piece.reserveCapacity(raw.count + raw.count / 4)
        for byte in raw {
            if byte < 0x80 {
                piece.append(byte)
            } else {
                let value = byte < 0xA0 ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
                append(Unicode.Scalar(value) ?? "\u{FFFD}", to: &piece)
            }
        }
    }

    /// Whether the whole file (from the current offset) is valid UTF-8, read a piece at a time.
    private static func isValidUTF8(_ descriptor: Int32, path: String) throws(CSVError) -> Bool {
        var carried: [UInt8] = []
        var raw = [UInt8](repeating: 0, count: pieceSize)
        while true {
            let count = try read(descriptor, into: &raw, path: path)
            if count == 0 { return String(validating: carried, as: UTF8.self) != nil }
            var bytes = carried + raw[..<count]
            // Leave an unfinished sequence at the end for the next piece.
            var cut = bytes.count
            var back = 0
            while back < 3, cut > 0, bytes[cut - 1] & 0xC0 == 0x80 {
                cut -= 1
                back += 1
            }
            if cut > 0, bytes[cut - 1] >= 0xC0 {
                cut -= 1
            } else {
                cut = bytes.count
            }
            carried = Array(bytes[cut...])
            bytes.removeSubrange(cut...)
            if String(validating: bytes, as: UTF8.self) == nil { return false }
        }
    }

    /// `read(2)` into `buffer`, retried on EINTR; the count read (0 at the end).
    private static func read(_ descriptor: Int32, into buffer: inout [UInt8], path: String) throws(CSVError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = buffer.withUnsafeMutableBytes { bytes in
                Foundation.read(descriptor, bytes.baseAddress.map { $0 + total }, bytes.count - total)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            total += count
        }
        return total
    }
}
