import PortBooksCore

extension ObjectScope {
    /// A PortPro lookup field: a plain string (`"40'"`), or an object `{_id, name, label}`
    /// whose `label` (else `name`, else a location's `company_name`) is the value.
    ///
    /// PortPro sends such fields either way, even within one account (shared/reference/
    /// portpro-domain.md §1.6). An object with none of those names is `missing-field`; any
    /// other type `wrong-type`.
    func lookup(_ name: String) -> String? {
        guard let value = optionalNode(name) else { return nil }
        switch value.value {
        case .text:
            return text(name)
        case .object(let fields):
            let inner = ObjectScope(context: context, node: value, path: fieldPath.child(name), fields: fields)
            if let shown = inner.text("label") ?? inner.text("name") ?? inner.text("company_name") { return shown }
            context.report(
                .missingField, "\(path).\(name) is an object without a \"label\" or \"name\"", at: value.position)
            return nil
        default:
            context.report(
                .wrongType, "\(path).\(name) must be a string or an object {_id, name, label}, found \(value.typeName)",
                at: value.position)
            return nil
        }
    }
}
