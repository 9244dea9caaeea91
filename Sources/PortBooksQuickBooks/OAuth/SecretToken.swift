/// A bearer token, refresh token or client secret that must never be printed.
///
/// `description`, `debugDescription` and string interpolation all give `<redacted>`; the
/// value is reachable only through `exposedValue`, which the client uses when it builds an
/// `Authorization` header or a token request body — and nowhere else. Encodes as the plain
/// string (for the token file, which is mode 0600).
public struct SecretToken: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself. Do not log, print or put into an error.
    public let exposedValue: String

    /// Wraps a secret.
    public init(_ value: String) {
        self.exposedValue = value
    }

    public init(from decoder: Decoder) throws {
        exposedValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(exposedValue)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
