import Foundation

/// Bytes written to a file handle through a fixed buffer: large exports stream out in
/// 256 KiB writes instead of one write per field.
public final class BufferedOutput {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity: Int

    public init(handle: FileHandle, capacity: Int = 1 << 18) {
        self.handle = handle
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
