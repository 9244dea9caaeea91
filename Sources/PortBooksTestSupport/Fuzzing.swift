// Shared by the test targets (test targets cannot share code with each other): the byte mutator
// of the fuzz tests, driven by the package's one seeded generator (PortBooksRandom). Not part of
// any product.
import Foundation
import PortBooksCore
import PortBooksRandom
import PortBooksRead

/// Seeded mutations of a valid file: byte flips, truncations, insertions of syntax pieces,
/// deletions, duplicated spans and deep nesting.
public struct Mutator: Sendable {
    /// Syntax worth inserting for the format (quotes, brackets, escapes, tags…).
    public let pieces: [[UInt8]]
    /// An opening and closing piece that nest (`[` `]`, `<a>` `</a>`).
    public let nesting: (open: [UInt8], close: [UInt8])

    public init(pieces: [[UInt8]], nesting: (open: [UInt8], close: [UInt8])) {
        self.pieces = pieces
        self.nesting = nesting
    }

    public func mutate(_ original: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0:
                guard !bytes.isEmpty else { continue }
                bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            case 1:
                guard !bytes.isEmpty else { continue }
                bytes[position] = UInt8.random(in: 0...255, using: &generator)
            case 2:
                bytes = Array(bytes[..<position])
            case 3:
                bytes.insert(contentsOf: pieces.randomElement(using: &generator) ?? [], at: position)
            case 4:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &generator))
                bytes.removeSubrange(position..<end)
            case 5:
                let end = min(bytes.count, position + Int.random(in: 1...200, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default:
                let depth = [3, 70, 300, 5_000].randomElement(using: &generator) ?? 3
                let inner =
                    Array(repeating: nesting.open, count: depth).flatMap { $0 }
                    + Array(repeating: nesting.close, count: depth).flatMap { $0 }
                bytes.insert(contentsOf: inner, at: position)
            }
        }
        return bytes
    }
}

/// What every diagnostic of a refused file must be: placed inside the file (or on the whole
/// file), worded, and printed in the `file:line:col: error: message [code]` shape.
public func diagnosticProblems(_ result: ExportReadResult, lineCount: Int) -> [String] {
    var problems: [String] = []
    if !result.isValid && result.diagnostics.kept.isEmpty { problems.append("refused without a diagnostic") }
    for diagnostic in result.diagnostics.kept {
        if !(0...lineCount + 1).contains(diagnostic.line) { problems.append("line \(diagnostic.line) of \(lineCount)") }
        if diagnostic.column < 0 { problems.append("column \(diagnostic.column)") }
        if diagnostic.message.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("empty message") }
        if !diagnostic.description.hasSuffix("[\(diagnostic.code.rawValue)]") { problems.append("shape") }
    }
    return problems
}
