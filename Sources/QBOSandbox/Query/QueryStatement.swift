import Foundation

/// A parsed QuickBooks query: `SELECT * | COUNT(*) | fields FROM Entity [WHERE …] [ORDERBY …]
/// [STARTPOSITION n] [MAXRESULTS n]`.
/// See https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
struct QueryStatement: Equatable {
    enum Selection: Equatable {
        case all
        case count
        case fields([String])
    }

    enum Literal: Equatable {
        case string(String)
        case number(Decimal)
        case bool(Bool)

        var text: String {
            switch self {
            case .string(let s): return s
            case .number(let d): return d.description
            case .bool(let b): return b ? "true" : "false"
            }
        }
    }

    enum Operator: String, Equatable {
        case equal = "="
        case less = "<"
        case greater = ">"
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case like = "LIKE"
        case inList = "IN"
    }

    struct Condition: Equatable {
        var field: String
        var op: Operator
        var values: [Literal]
    }

    struct Ordering: Equatable {
        var field: String
        var descending: Bool
    }

    var selection: Selection
    var entity: String
    var conditions: [Condition] = []
    var ordering: [Ordering] = []
    var startPosition: Int?
    var maxResults: Int?
}
