/// A single-line description template compiled to a tree that renders straight from a
/// ``TemplateContext``, with swift-mustache's output.
///
/// swift-mustache walks `[String: Any]` with `Mirror` and dynamic casts, and needs the context
/// rebuilt as such a dictionary for every render: for a push that renders a line description
/// per charge, that was a sixth of the CPU. This covers what PortBooks templates are made of —
/// text, `{{object.variable}}`, `{{{…}}}`/`{{&…}}`, sections and inverted sections on a
/// variable or an object, comments, and `{{.}}` inside a section on a text variable — and
/// gives up (``compile(_:)`` or ``render(_:)`` return `nil`) on anything else, which then
/// renders through swift-mustache. Templates with a line break are never compiled: standalone
/// tag lines are swift-mustache's to remove. A property test renders random templates both
/// ways and compares.
struct CompiledTemplate: Sendable {
    private enum Name: Sendable {
        case value(TemplateScope, String)
        case object(TemplateScope)
    }

    private indirect enum Node: Sendable {
        case text(String)
        case variable(TemplateScope, String)
        case dot
        case section(Name, [Node], inverted: Bool)
    }

    /// What a section pushed for `{{.}}` to render; swift-mustache pushes nothing for a flag.
    private enum Top {
        case text(String)
        case unrenderable
    }

    private let nodes: [Node]

    private init(nodes: [Node]) {
        self.nodes = nodes
    }

    /// The compiled `source`, or `nil` when it holds something only swift-mustache renders.
    static func compile(_ source: String) -> CompiledTemplate? {
        guard !source.contains(where: \.isNewline) else { return nil }
        let characters = Array(source)
        // Each open section: its name as written, its parsed name, and the nodes before it.
        var open: [(raw: String, name: Name, inverted: Bool, outer: [Node])] = []
        var nodes: [Node] = []
        var position = 0
        for tag in DescriptionTemplate.tags(in: source) {
            if tag.offset > position { nodes.append(.text(String(characters[position..<tag.offset]))) }
            position = tag.end
            guard let name = tag.name else { return nil }
            switch tag.sigil {
            case nil, "{", "&":
                if name == "." {
                    nodes.append(.dot)
                } else if case .value(let scope, let variable)? = parse(name) {
                    nodes.append(.variable(scope, variable))
                } else {
                    return nil
                }
            case "#", "^":
                guard let parsed = parse(name) else { return nil }
                open.append((name, parsed, tag.sigil == "^", nodes))
                nodes = []
            case "/":
                guard let section = open.popLast(), section.raw == name else { return nil }
                let node = Node.section(section.name, nodes, inverted: section.inverted)
                nodes = section.outer + [node]
            case "!":
                continue
            case "%" where name.filter({ $0 != " " }) == "CONTENT_TYPE:TEXT":
                continue
            default:
                return nil
            }
        }
        guard open.isEmpty else { return nil }
        if position < characters.count { nodes.append(.text(String(characters[position...]))) }
        return CompiledTemplate(nodes: nodes)
    }

    private static func parse(_ name: String) -> Name? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard let scope = TemplateScope(rawValue: String(parts[0])) else { return nil }
        switch parts.count {
        case 1: return .object(scope)
        case 2 where scope.variables.contains(String(parts[1])): return .value(scope, String(parts[1]))
        default: return nil
        }
    }

    /// The rendered text (untrimmed), or `nil` when swift-mustache must render this context.
    func render(_ context: TemplateContext) -> String? {
        var output = ""
        var stack: [Top] = [.unrenderable]
        guard Self.render(nodes, context, &stack, into: &output) else { return nil }
        return output
    }

    private static func render(
        _ nodes: [Node], _ context: TemplateContext, _ stack: inout [Top], into output: inout String
    ) -> Bool {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let scope, let variable):
                switch context.objects[scope]?[variable] {
                case .text(let text)?: output += text
                case .flag?: output += "true"
                case nil: break
                }
            case .dot:
                guard case .text(let text)? = stack.last else { return false }
                output += text
            case .section(let name, let inner, let inverted):
                // What swift-mustache finds: a String, `true`, a dictionary, or nothing (values
                // are never empty, and objects without values are left out).
                let pushed: Top?
                let present: Bool
                switch name {
                case .value(let scope, let variable):
                    switch context.objects[scope]?[variable] {
                    case .text(let text)?: (present, pushed) = (true, .text(text))
                    case .flag?: (present, pushed) = (true, nil)
                    case nil: (present, pushed) = (false, nil)
                    }
                case .object(let scope):
                    present = !(context.objects[scope]?.isEmpty ?? true)
                    pushed = .unrenderable
                }
                if inverted {
                    if !present, !render(inner, context, &stack, into: &output) { return false }
                } else if present {
                    if let pushed { stack.append(pushed) }
                    let rendered = render(inner, context, &stack, into: &output)
                    if pushed != nil { stack.removeLast() }
                    if !rendered { return false }
                }
            }
        }
        return true
    }
}
