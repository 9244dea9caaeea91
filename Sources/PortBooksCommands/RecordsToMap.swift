import PortBooksCore
import PortBooksRead

/// The records `map` maps, in the order read, with the parts of an invoice from PortPro invoice
/// list pages combined across all the files named, as the stage combines them in the ledger
/// (``PortBooksCore/Invoice/combining(_:)``). A part joins the latest invoice read with its `_id`;
/// other records are kept as read, one entry each.
struct RecordsToMap {
    /// One record to map and the files it came from (several for an invoice read in parts).
    struct Entry {
        var record: ExportRecord
        var files: [String]
    }

    private(set) var entries: [Entry] = []
    private var invoiceAt: [String: Int] = [:]

    mutating func add(_ read: ReadRecord, file: String) {
        guard case .invoice(let invoice) = read.record else {
            entries.append(Entry(record: read.record, files: [file]))
            return
        }
        guard read.extent == .part, let index = invoiceAt[invoice.id],
            case .invoice(let known) = entries[index].record
        else {
            invoiceAt[invoice.id] = entries.count
            entries.append(Entry(record: read.record, files: [file]))
            return
        }
        entries[index].record = .invoice(known.combining(invoice))
        if !entries[index].files.contains(file) { entries[index].files.append(file) }
    }
}
