import Foundation

/// The values a template renders from: `object.variable` → text, with empty and missing values
/// left out entirely.
///
/// Leaving them out is what makes optional parts vanish: swift-mustache treats an empty string
/// as truthy and renders a stored `nil` as the text `nil` (shared/PITFALLS.md 5), so a section
/// `{{#load.po}} / PO {{load.po}}{{/load.po}}` only disappears when `load.po` is absent.
public struct TemplateContext: Hashable, Sendable {
    /// A value: text, or a flag that is only ever stored when true (for `{{#charge_set.is_sub_bill}}`).
    public enum Value: Hashable, Sendable {
        case text(String)
        case flag
    }

    public private(set) var objects: [TemplateScope: [String: Value]] = [:]

    public init() {}

    /// Stores `value` under `scope.name`, unless it is `nil` or only whitespace.
    public mutating func set(_ scope: TemplateScope, _ name: String, _ value: String?) {
        guard let value else { return }
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        store(.text(trimmed), scope, name)
    }

    /// Stores a flag when `value` is true; a false flag is simply absent.
    public mutating func set(_ scope: TemplateScope, _ name: String, flag value: Bool) {
        guard value else { return }
        store(.flag, scope, name)
    }

    /// A scope's values start with room for all of them (a charge has ten, a load eighteen),
    /// so building a context does not grow each dictionary three times over.
    private mutating func store(_ value: Value, _ scope: TemplateScope, _ name: String) {
        if objects[scope] == nil { objects[scope] = Dictionary(minimumCapacity: 20) }
        objects[scope]?[name] = value
    }

    /// Removes a value.
    public mutating func remove(_ scope: TemplateScope, _ name: String) {
        objects[scope]?[name] = nil
    }

    /// The text stored under `scope.name`, if any.
    public func text(_ scope: TemplateScope, _ name: String) -> String? {
        guard case .text(let value) = objects[scope]?[name] else { return nil }
        return value
    }

    /// The context merged with `other`'s objects (other wins).
    public func merging(_ other: TemplateContext) -> TemplateContext {
        var result = self
        for (scope, values) in other.objects {
            if result.objects[scope] == nil {
                result.objects[scope] = values
            } else {
                result.objects[scope]?.merge(values) { _, new in new }
            }
        }
        return result
    }

    /// The nested dictionary swift-mustache walks for dotted names.
    func mustacheObject() -> [String: Any] {
        var root: [String: Any] = [:]
        for (scope, values) in objects where !values.isEmpty {
            var object: [String: Any] = [:]
            for (name, value) in values {
                switch value {
                case .text(let text): object[name] = text
                case .flag: object[name] = true
                }
            }
            root[scope.rawValue] = object
        }
        return root
    }
}
