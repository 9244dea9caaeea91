import Foundation
import PortBooksCore

/// Buffered bytes of a file, read front to back, with the line and column of the next byte.
///
/// Columns count characters: UTF-8 continuation bytes do not advance them. Memory is one
/// fixed buffer whatever the file's size.
final class ByteStream {
    private let handle: FileHandle
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var index = 0
    private(set) var endOfFile = false
    private(set) var line = 1
    private(set) var column = 1
    /// Bytes consumed so far.
    private(set) var offset = 0

    init(handle: FileHandle, capacity: Int = 1 << 18) {
        self.handle = handle
        self.capacity = capacity
        self.buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    var position: SourcePosition { SourcePosition(line: line, column: column) }

    /// Reads more bytes when the buffer is used up; returns `false` at the end of the file.
    @inline(__always)
    private func fill() throws -> Bool {
        if index < count { return true }
        if endOfFile { return false }
        let chunk = try handle.read(upToCount: capacity) ?? Data()
        if chunk.isEmpty {
            endOfFile = true
            count = 0
            index = 0
            return false
        }
        chunk.copyBytes(to: buffer, count: chunk.count)
        count = chunk.count
        index = 0
        return true
    }

    /// The next byte without consuming it, or `nil` at the end of the file.
    @inline(__always)
    func peek() throws -> UInt8? {
        if index < count { return buffer[index] }
        return try fill() ? buffer[index] : nil
    }

    /// Consumes and returns the next byte, or `nil` at the end of the file.
    @inline(__always)
    func next() throws -> UInt8? {
        if index >= count, try !fill() { return nil }
        let byte = buffer[index]
        index += 1
        offset += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
        return byte
    }

    /// Up to `n` bytes from the start, without consuming them; only valid before any `next()`.
    func prefix(_ n: Int) throws -> [UInt8] {
        _ = try fill()
        return Array(UnsafeBufferPointer(start: buffer, count: min(n, count)))
    }

    /// Skips `n` bytes known to be in the buffer (a BOM) without advancing the column.
    func skipWithoutColumn(_ n: Int) {
        index += n
        offset += n
    }
}
