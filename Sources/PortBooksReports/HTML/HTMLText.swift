/// Text from files (names, numbers, QuickBooks' words) made inert inside an HTML page.
///
/// Every value that did not come from PortBooks' own code goes through ``escaped(_:)`` before
/// it reaches a report page: a customer named `<script>` shows as text and runs nothing. Control
/// characters (other than tab) are replaced by U+FFFD, so a value cannot break the page's layout
/// or hide text.
public enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities; control characters as U+FFFD.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
                {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// A page being built: text appended in order, values escaped by the caller through ``HTMLText``.
struct HTMLBuilder {
    private(set) var html = ""

    mutating func raw(_ markup: String) { html += markup }

    /// `<tag>escaped text</tag>`.
    mutating func element(_ tag: String, _ text: String, attributes: String = "") {
        html += "<\(tag)\(attributes.isEmpty ? "" : " " + attributes)>\(HTMLText.escaped(text))</\(tag)>"
    }

    /// A table: a header row and body rows, every cell escaped; `numeric` columns align right.
    mutating func table(
        _ header: [String], _ rows: [[String]], numeric: Set<Int> = [], caption: String? = nil, id: String? = nil
    ) {
        html += "<div class=\"scroll\"><table\(id.map { " id=\"\($0)\"" } ?? "")>"
        if let caption { element("caption", caption) }
        html += "<thead><tr>"
        for (index, cell) in header.enumerated() {
            element("th", cell, attributes: numeric.contains(index) ? "class=\"num\" scope=\"col\"" : "scope=\"col\"")
        }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                element("td", cell, attributes: numeric.contains(index) ? "class=\"num\"" : "")
            }
            html += "</tr>"
        }
        html += "</tbody></table></div>"
    }
}
