import CLibXML2
import Foundation
import PortBooksCore

/// Feeds a file to libxml2 (`xmlReaderForIO`) and stops it, as the bytes arrive, at a run of
/// element text or a piece of markup longer than ``ReaderLimits/maximumValueBytes``, and at
/// any `<!DOCTYPE` (or other `<!` declaration) wherever it is, before libxml2 sees its bytes.
///
/// Why before libxml2 and not in the walk over reader nodes: the streaming reader hands out an
/// element's text only once the whole element is parsed, and the XSD validator joins text
/// pieces with `xmlStrncat` (which measures the joined value again on every piece), so a
/// 20 MB text split by comments costs 25 s and 100 MB several minutes before the walker
/// could object. Here the read stops at 1 MiB with the line and column where the limit
/// was passed. libxml2 would cap a single text node at 10 MB by itself ("huge text node").
///
/// The scan is lexical, which XML allows: a `<` in text always starts markup, so the text
/// of an element is every byte outside markup (and inside CDATA) between two tags; comments
/// and processing instructions do not end it. Markup is a tag (with quoted attribute values,
/// which may hold `>`), a comment, a processing instruction, CDATA or a declaration. A
/// declaration (`<!` not followed by `--` or `[`) is legal only as the DOCTYPE, which drop
/// files may not have: ``XMLProlog`` refuses it within the first 64 KB, this guard after that
/// (a DOCTYPE behind 70 KB of comments once reached libxml2, which then expanded entities
/// and printed "Unimplemented block at xmlschemas.c" on stderr).
///
/// One guard per read, used on the thread that reads; not thread-safe.
final class XMLInputGuard {
    /// Why and where the read was stopped; `nil` while the input is acceptable.
    private(set) var stopped: (position: SourcePosition, code: DiagnosticCode, message: String)?

    /// Whether the whole file was read and it stops inside a tag, comment or other markup
    /// (`<referenc`, `<amount`): a file cut off, not one with a syntax error.
    var endsInsideMarkup: Bool {
        guard reachedEnd else { return false }
        if case .text = state { return false }
        return true
    }

    private let descriptor: Int32
    private var reachedEnd = false
    private var state = State.text
    /// Bytes of text of the current element; of the current piece of markup.
    private var textRun = 0
    private var markupRun = 0
    /// The last bytes seen, for `-->`, `?>`, `]]>` and the start of markup.
    private var previous: (UInt8, UInt8) = (0, 0)
    private var line = 1
    private var column = 1

    private enum State {
        case text
        /// After `<`, before the kind of markup is known; `afterBang` after `<!`.
        case markupStart(afterBang: Bool)
        case tag(quote: UInt8?)
        case comment
        case processingInstruction
        case cdata
        case declaration
    }

    /// Opens `path`; `nil` when it cannot be opened or is not a regular file (``ReadableFile``).
    init?(path: String) {
        guard let descriptor = try? ReadableFile.openForReading(path) else { return nil }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// A streaming reader over the guarded file. The reader calls back into this guard: keep
    /// the guard alive until the reader is freed.
    func makeReader(url: String, options: Int32) -> xmlTextReaderPtr? {
        let context = Unmanaged.passUnretained(self).toOpaque()
        return xmlReaderForIO(Self.readCallback, Self.closeCallback, context, url, nil, options)
    }

    /// `xmlInputReadCallback`: fills `buffer` with up to `length` bytes; -1 stops the parse.
    private static let readCallback: xmlInputReadCallback = { context, buffer, length in
        guard let context, let buffer else { return -1 }
        let guardian = Unmanaged<XMLInputGuard>.fromOpaque(context).takeUnretainedValue()
        return guardian.fill(buffer, length: Int(length))
    }

    /// `xmlInputCloseCallback`: the descriptor is closed by `deinit`, not by libxml2.
    private static let closeCallback: xmlInputCloseCallback = { _ in 0 }

    private func fill(_ buffer: UnsafeMutablePointer<CChar>, length: Int) -> Int32 {
        if stopped != nil { return -1 }
        var count: Int
        repeat {
            count = read(descriptor, buffer, length)
        } while count < 0 && errno == EINTR
        guard count > 0 else {
            if count == 0 { reachedEnd = true }
            return Int32(count)
        }
        let bytes = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        for index in 0..<count {
            scan(bytes[index])
            if stopped != nil { return -1 }
        }
        return Int32(count)
    }

    private func scan(_ byte: UInt8) {
        switch state {
        case .text:
            if byte == UInt8(ascii: "<") {
                state = .markupStart(afterBang: false)
                markupRun = 1
            } else {
                textRun += 1
                if textRun > ReaderLimits.maximumValueBytes { trip(.limitExceeded, ReaderLimits.valueTooLongMessage) }
            }
        case .markupStart(let afterBang):
            countMarkup()
            if afterBang {
                switch byte {
                case UInt8(ascii: "-"): state = .comment
                case UInt8(ascii: "["): state = .cdata
                default:
                    state = .declaration
                    trip(
                        .hostileXML,
                        "a DOCTYPE declaration is not accepted in drop files (entities and external references "
                            + "can read files or exhaust memory)", column: column - 2)
                }
            } else {
                switch byte {
                case UInt8(ascii: "!"): state = .markupStart(afterBang: true)
                case UInt8(ascii: "?"): state = .processingInstruction
                default:
                    // A start or end tag: the element's text ends here.
                    textRun = 0
                    state = .tag(quote: nil)
                    if byte == UInt8(ascii: ">") { state = .text }
                }
            }
        case .tag(let quote):
            countMarkup()
            if let quote {
                if byte == quote { state = .tag(quote: nil) }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                state = .tag(quote: byte)
            } else if byte == UInt8(ascii: ">") {
                state = .text
            }
        case .comment:
            countMarkup()
            if byte == UInt8(ascii: ">") && previous == (UInt8(ascii: "-"), UInt8(ascii: "-")) { state = .text }
        case .processingInstruction:
            countMarkup()
            if byte == UInt8(ascii: ">") && previous.1 == UInt8(ascii: "?") { state = .text }
        case .cdata:
            // CDATA is the element's text.
            textRun += 1
            if textRun > ReaderLimits.maximumValueBytes { trip(.limitExceeded, ReaderLimits.valueTooLongMessage) }
            if byte == UInt8(ascii: ">") && previous == (UInt8(ascii: "]"), UInt8(ascii: "]")) { state = .text }
        case .declaration:
            countMarkup()
            if byte == UInt8(ascii: ">") { state = .text }
        }
        previous = (previous.1, byte)
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private func countMarkup() {
        markupRun += 1
        if markupRun > ReaderLimits.maximumValueBytes {
            trip(
                .limitExceeded,
                "a tag, comment or declaration is longer than \(ReaderLimits.describe(bytes: ReaderLimits.maximumValueBytes)); "
                    + "the file is refused")
        }
    }

    private func trip(_ code: DiagnosticCode, _ message: String, column: Int? = nil) {
        guard stopped == nil else { return }
        stopped = (SourcePosition(line: line, column: max(column ?? self.column, 1)), code, message)
    }
}
