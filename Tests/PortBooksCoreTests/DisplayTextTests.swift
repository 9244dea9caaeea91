import PortBooksCore
import Testing

/// The one escaping function for untrusted text that is printed (README "Hostile input").
@Suite("Display text: untrusted text printed safely")
struct DisplayTextTests {
    @Test("line breaks, carriage returns, ANSI escapes, C1 controls and bidi overrides are escaped")
    func escapes() {
        #expect(DisplayText.escaped("evil\nFAKE log line") == "evil\\nFAKE log line")
        #expect(DisplayText.escaped("a\rb\tc") == "a\\rb\\tc")
        #expect(DisplayText.escaped("\u{1B}[2J\u{1B}[31mred") == "\\u{1B}[2J\\u{1B}[31mred")
        #expect(DisplayText.escaped("nul\u{0}del\u{7F}csi\u{9B}") == "nul\\u{0}del\\u{7F}csi\\u{9B}")
        #expect(DisplayText.escaped("invoice\u{202E}fdp.exe") == "invoice\\u{202E}fdp.exe")
        #expect(DisplayText.escaped("\u{2066}x\u{2069}\u{200F}\u{2028}") == "\\u{2066}x\\u{2069}\\u{200F}\\u{2028}")
    }

    @Test("everything else is kept: scripts, emoji with joiners, backslashes; escaping twice changes nothing")
    func keeps() {
        for text in ["Café Ünïcødé", "شركة النقل", "🚚‍💨 👩‍👩‍👧", "C:\\exports\\a.json", "=HYPERLINK()", ""] {
            #expect(DisplayText.escaped(text) == text)
        }
        let once = DisplayText.escaped("a\nb\u{202E}c\u{1B}")
        #expect(DisplayText.escaped(once) == once)
        #expect(!once.unicodeScalars.contains { DisplayText.needsEscaping($0) })
    }

    @Test("the interpolation form is the same function")
    func interpolation() {
        let name = "x\ny"
        #expect("file \(escaping: name)" == "file " + DisplayText.escaped(name))
    }

    @Test("text fields: one-line fields refuse every control character, free text keeps tab and line breaks")
    func textCharacters() {
        #expect(TextCharacters.firstRefused(in: "plain ASCII", multiline: false) == nil)
        #expect(TextCharacters.firstRefused(in: "ab\u{0}c", multiline: true)?.offset == 3)
        #expect(TextCharacters.firstRefused(in: "a\nb", multiline: false)?.scalar == "\n")
        #expect(TextCharacters.firstRefused(in: "a\r\n\tb", multiline: true) == nil)
        #expect(TextCharacters.firstRefused(in: "x\u{85}", multiline: true)?.scalar == "\u{85}")
        #expect(TextCharacters.firstRefused(in: "\u{FFFF}", multiline: true) != nil)
        #expect(TextCharacters.firstRefused(in: "\u{202E}شركة", multiline: false) == nil)
    }

    @Test("clipped keeps short text, cuts long text after a count of Unicode scalars, combining marks included")
    func clipped() {
        #expect(DisplayText.clipped("retry", to: 5) == "retry")
        #expect(DisplayText.clipped("retry!", to: 5) == "retry…")
        #expect(DisplayText.clipped("", to: 0) == "")
        // One Character of 10,000 scalars is still cut at the limit.
        let stacked = "e" + String(repeating: "\u{301}", count: 10_000)
        #expect(DisplayText.clipped(stacked, to: 200).unicodeScalars.count == 201)
    }
}
