import Foundation
import Mustache

/// A Mustache template of a text PortBooks writes (a line Description, a memo, a custom field).
///
/// Rendered as plain text (`TEXT` content type: `A&B` stays `A&B`, shared/PITFALLS.md 4) and
/// trimmed of surrounding whitespace. Checked when built: every variable must be one of the
/// documented ``TemplateScope`` variables allowed for its ``TemplateUse``, and partials,
/// delimiter changes, inheritance and transforms are refused. Optional parts are written as
/// sections (`{{#load.po}} / PO {{load.po}}{{/load.po}}`) and vanish when the value is absent,
/// because ``TemplateContext`` never stores empty values. `Sendable`; render from any thread.
public struct DescriptionTemplate: Sendable {
    /// Why a template was refused; `offset` is the 0-based character offset of the bad tag.
    public struct Failure: Error, Hashable, Sendable {
        public var message: String
        public var offset: Int
    }

    /// The template as written in the settings.
    public let source: String
    public let use: TemplateUse
    private let template: MustacheTemplate
    /// The same template for the fast renderer, when it covers it (nearly always).
    private let compiled: CompiledTemplate?

    /// Parses and checks `source` for `use`.
    public init(_ source: String, use: TemplateUse) throws(Failure) {
        guard source.count <= Self.maximumSourceLength else {
            throw Failure(
                message: "the template is \(source.count) characters long; at most \(Self.maximumSourceLength) "
                    + "(the longest text QuickBooks keeps) are allowed",
                offset: Self.maximumSourceLength)
        }
        try Self.checkTags(source, allowed: use.scopes)
        do {
            template = try MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}" + source)
        } catch let error as MustacheTemplate.ParserError {
            throw Failure(
                message: "the template does not parse (\(error.error)) at its line \(error.context.lineNumber)",
                offset: 0)
        } catch {
            throw Failure(message: "the template does not parse (\(error))", offset: 0)
        }
        self.source = source
        self.use = use
        compiled = CompiledTemplate.compile(source)
    }

    /// The rendered text, trimmed; empty when everything in it was optional and absent.
    public func render(_ context: TemplateContext) -> String {
        renderCompiled(context) ?? renderWithMustache(context)
    }

    /// The text swift-mustache renders (what ``render(_:)`` gives in every case).
    func renderWithMustache(_ context: TemplateContext) -> String {
        template.render(context.mustacheObject()).trimmingWhitespace()
    }

    /// Whether ``render(_:)`` takes the fast renderer for this template.
    var isCompiled: Bool { compiled != nil }

    /// The fast renderer's text, or `nil` when this template or context falls back.
    func renderCompiled(_ context: TemplateContext) -> String? {
        compiled?.render(context)?.trimmingWhitespace()
    }

    /// The variables the template names, in order of appearance (each once).
    public var variables: [String] {
        var seen = Set<String>()
        return Self.tags(in: source).compactMap { tag in
            guard let name = tag.name, name != ".", seen.insert(name).inserted else { return nil }
            return name
        }
    }

    struct Tag {
        var sigil: Character?
        var name: String?
        var raw: String
        var offset: Int
        /// The character offset just after the tag.
        var end: Int
    }

    static func tags(in source: String) -> [Tag] {
        var result: [Tag] = []
        let characters = Array(source)
        var index = 0
        while index + 1 < characters.count {
            guard characters[index] == "{", characters[index + 1] == "{" else {
                index += 1
                continue
            }
            let start = index
            var end = index + 2
            var found = false
            while end + 1 < characters.count {
                if characters[end] == "}" && characters[end + 1] == "}" {
                    found = true
                    break
                }
                end += 1
            }
            guard found else {
                result.append(
                    Tag(sigil: nil, name: nil, raw: String(characters[start...]), offset: start, end: characters.count))
                break
            }
            var inner = String(characters[(start + 2)..<end])
            var closeEnd = end + 2
            var sigil: Character?
            if inner.hasPrefix("{") {
                sigil = "{"
                inner.removeFirst()
                if closeEnd < characters.count, characters[closeEnd] == "}" { closeEnd += 1 }
            } else if let first = inner.first, "#^/&!>%=$<".contains(first) {
                sigil = first
                inner.removeFirst()
            }
            let name = inner.trimmingCharacters(in: .whitespaces)
            result.append(
                Tag(sigil: sigil, name: name, raw: String(characters[start..<closeEnd]), offset: start, end: closeEnd))
            index = closeEnd
        }
        return result
    }

    /// Longest template accepted, in characters: QuickBooks keeps at most 4,000 in any text
    /// field a template fills, and swift-mustache takes minutes over a 1 MB template in a
    /// debug build (found by fuzzing).
    public static let maximumSourceLength = 4_000

    /// Deepest nesting of sections accepted. Real templates nest two or three deep;
    /// swift-mustache parses and renders sections recursively, and a few thousand nested
    /// sections overflow the stack (a crash while the settings load, found by fuzzing).
    public static let maximumSectionDepth = 16

    private static func checkTags(_ source: String, allowed scopes: Set<TemplateScope>) throws(Failure) {
        let known = Set(TemplateScope.names(in: scopes))
        let objects = Set(scopes.map(\.rawValue))
        var depth = 0
        for tag in tags(in: source) {
            guard let name = tag.name else {
                throw Failure(message: "a tag opened with {{ is never closed", offset: tag.offset)
            }
            switch tag.sigil {
            case "#", "^":
                depth += 1
                if depth > maximumSectionDepth {
                    throw Failure(
                        message: "sections are nested more than \(maximumSectionDepth) deep", offset: tag.offset)
                }
            case "/":
                depth -= 1
            default:
                break
            }
            switch tag.sigil {
            case "!":
                continue
            case "%" where name.replacingOccurrences(of: " ", with: "") == "CONTENT_TYPE:TEXT":
                continue
            case ">", "=", "$", "<", "%":
                throw Failure(
                    message: "\(tag.raw) is not supported in PortBooks templates "
                        + "(only variables, sections {{#…}}…{{/…}}, inverted sections {{^…}} and comments)",
                    offset: tag.offset)
            default:
                break
            }
            if name == "." || known.contains(name) || objects.contains(name) { continue }
            let object = name.split(separator: ".").first.map(String.init) ?? name
            var message = "unknown template variable \"\(name)\""
            if let scope = TemplateScope(rawValue: object) {
                if scopes.contains(scope) {
                    let list = scope.variables.map { "\(object).\($0)" }.joined(separator: ", ")
                    message += "; \(object).* has \(list)"
                } else {
                    let usable = scopes.map(\.rawValue).sorted().joined(separator: ", ")
                    message += "; \(object).* is not available in this template (it can use \(usable))"
                }
            } else {
                let usable = scopes.map { "\($0.rawValue).*" }.sorted().joined(separator: ", ")
                message += "; variables here are \(usable) (docs/MAPPING.md \"Template variables\")"
            }
            throw Failure(message: message, offset: tag.offset)
        }
    }
}
