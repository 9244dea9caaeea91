import Crypto
import Foundation

/// SHA-256 hex digests, from swift-crypto (BoringSSL's SHA-256, with the CPU's SHA extensions
/// where it has them): the content hash of every staged record and drop file, request ids,
/// OAuth state nonces.
public enum SHA256Digest {
    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(bytes)))
    }

    /// The lower-case hex digest of a string's UTF-8 bytes.
    public static func hexDigest(_ string: String) -> String {
        hex(SHA256.hash(data: Data(string.utf8)))
    }

    /// The lower-case hex digest of `bytes`.
    public static func hexDigest(bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The hex digest of a file's bytes, read in 1 MiB pieces (files of any size).
    ///
    /// Throws ``DigestError`` with the path and the system's words when it cannot be read.
    public static func hexDigest(ofFile path: String) throws -> String {
        let handle: FileHandle
        do {
            handle = try ReadableFile.handle(path)
        } catch {
            throw DigestError.unreadable(path: path, reason: error.reason)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let piece: Data?
            do {
                piece = try handle.read(upToCount: 1 << 20)
            } catch {
                throw DigestError.unreadable(path: path, reason: "a read failed")
            }
            guard let piece, !piece.isEmpty else { break }
            hasher.update(data: piece)
        }
        return hex(hasher.finalize())
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// A file whose digest could not be computed.
public enum DigestError: Error, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path) cannot be read: \(reason)"
        }
    }
}
