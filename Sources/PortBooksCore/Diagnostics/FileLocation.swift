/// `file:line:col`, the place a person goes to fix a problem, in the shape compilers and editors
/// print and jump to. A line or column of 0 (unknown, or the whole file) is left out. The
/// file name is escaped (``DisplayText``): a newline in it must not split the location.
public enum FileLocation {
    public static func text(file: String, line: Int, column: Int) -> String {
        var location = DisplayText.escaped(file)
        if line > 0 {
            location += ":\(line)"
            if column > 0 { location += ":\(column)" }
        }
        return location
    }
}
