/// JSON's string escapes (RFC 8259 §7), shared by the in-memory parser here and the streaming
/// export reader: the byte a one-letter escape stands for, and a hex digit's value.
public enum JSONEscape {
    /// The byte `\x` stands for, for the one-letter escapes (`\" \\ \/ \b \f \n \r \t`); `nil`
    /// for `u` (four hex digits follow) and for anything that is not an escape.
    @inlinable
    public static func byte(for escaped: UInt8) -> UInt8? {
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escaped
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// The value of a hex digit, or `nil`.
    @inlinable
    public static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - 48)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - 87)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - 55)
        default: nil
        }
    }
}
