import Foundation
import PortBooksJSON

/// What changed in a record since it was last synced, in words a person reads in plan.csv:
/// `totalAmount 100.00 → 120.00; chargeSets[0].pricing[1] added`. Compares the two canonical
/// contents leaf by leaf.
public enum ContentChanges {
    /// At most this many changes are named; the rest are counted.
    static let shown = 6

    public static func describe(from old: Data?, to new: Data) -> String {
        guard let old, let before = try? JSONValue.decode(old), let after = try? JSONValue.decode(new) else {
            return "changed since it was last synced"
        }
        var changes: [String] = []
        diff(before, after, path: "", into: &changes)
        guard !changes.isEmpty else { return "changed since it was last synced" }
        var text = changes.prefix(shown).joined(separator: "; ")
        if changes.count > shown { text += "; and \(changes.count - shown) more" }
        return "changed: " + text
    }

    private static func diff(_ old: JSONValue?, _ new: JSONValue?, path: String, into changes: inout [String]) {
        switch (old, new) {
        case (.object(let before)?, .object(let after)?):
            for key in Set(before.keys).union(after.keys).sorted() {
                diff(before[key], after[key], path: path.isEmpty ? key : "\(path).\(key)", into: &changes)
            }
        case (.array(let before)?, .array(let after)?):
            for index in 0..<max(before.count, after.count) {
                // Explicitly optional: a bare `nil` here would be JSONValue's own null literal.
                let old: JSONValue? = index < before.count ? .some(before[index]) : .none
                let new: JSONValue? = index < after.count ? .some(after[index]) : .none
                diff(old, new, path: "\(path)[\(index)]", into: &changes)
            }
        case (nil, nil):
            break
        case (nil, _):
            changes.append("\(path) added")
        case (_, nil):
            changes.append("\(path) removed")
        case (let before?, let after?):
            if before != after { changes.append("\(path) \(text(before)) → \(text(after))") }
        }
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text.count > 40 ? "\"\(text.prefix(37))…\"" : "\"\(text)\""
        case .number(let number): DecimalText.plainText(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        case .array, .object: "(\(value.objectValue == nil ? "list" : "group"))"
        }
    }
}
