/// Building blocks for QuickBooks query statements
/// (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries).
public enum QuickBooksQuery {
    /// The most rows one page may ask for.
    public static let maxPageSize = 1000

    /// `value` as a single-quoted literal, with `'` escaped as `\'` (the form Intuit's parser
    /// accepts, e.g. `'Amy\'s Bird Sanctuary'`). Typographic quotes (’ “ ”) are passed through;
    /// QuickBooks' parser rejects them, so callers should not put them in lookups.
    public static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// `field IN ('a', 'b', …)` for a bulk lookup.
    public static func inList(_ field: String, _ values: [String]) -> String {
        "\(field) IN (" + values.map(literal).joined(separator: ", ") + ")"
    }

    /// A full `SELECT * FROM entity [WHERE …] [ORDERBY …] STARTPOSITION n MAXRESULTS m`.
    public static func select(
        _ entity: QuickBooksEntity, where condition: String? = nil, orderBy: String? = nil, startPosition: Int = 1,
        maxResults: Int = maxPageSize
    ) -> String {
        var statement = "SELECT * FROM \(entity.name)"
        if let condition, !condition.isEmpty { statement += " WHERE \(condition)" }
        if let orderBy, !orderBy.isEmpty { statement += " ORDERBY \(orderBy)" }
        statement += " STARTPOSITION \(max(1, startPosition)) MAXRESULTS \(min(max(1, maxResults), maxPageSize))"
        return statement
    }
}
