import Foundation
import PortBooksCore

/// Writing to the terminal's streams. Every line goes through ``DisplayText/escaped(_:)``:
/// what PortBooks prints holds file names, ids, CSV cells and QuickBooks' words, and none of
/// them may add a line, move the cursor or reorder the text on the screen. A command prints
/// several lines with several calls, never with a `\n` inside one.
enum Terminal {
    /// One line on stderr (a diagnostic, an error, a progress line).
    static func standardError(_ line: String) {
        // Above a progress bar, if one is shown (StatusLine).
        StatusLine.standardError.above(line)
    }

    /// One line on stdout (a summary line).
    static func standardOutput(_ line: String) {
        Swift.print(DisplayText.escaped(line))
    }

    /// A JSON document on stdout (`--json`). The serializer already escapes control
    /// characters inside strings, so the only raw ones left are its own line breaks; the other
    /// characters ``DisplayText`` escapes (bidi overrides, line separators) are written as JSON
    /// `\uXXXX` escapes — the same value for a machine, inert on a terminal.
    static func standardOutputJSON(_ json: String) {
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar != "\n" && DisplayText.needsEscaping(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(
                    contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        Swift.print(String(out))
    }

    /// Whether standard error is a terminal (progress bars) or a log (periodic lines).
    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
}
