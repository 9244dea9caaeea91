extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` without the trip through NSString
    /// (the mappers trim every field of every record): drops Unicode white space, and the
    /// zero-width space Foundation's set also holds, at both ends; returns `self` untouched when
    /// neither end is white space.
    public func trimmingWhitespace() -> String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        func plainASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
        if plainASCII(first) && plainASCII(last) { return self }
        let scalars = unicodeScalars
        func kept(_ scalar: Unicode.Scalar) -> Bool { !scalar.properties.isWhitespace && scalar.value != 0x200B }
        guard let start = scalars.firstIndex(where: kept) else { return "" }
        guard let end = scalars.lastIndex(where: kept) else { return "" }
        return String(scalars[start...end])
    }
}
