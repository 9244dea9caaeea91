import PortBooksCore

/// The sizes beyond which the export readers refuse input, shared by the JSON and XML readers.
///
/// A real PortPro record is a few kilobytes, four or five levels deep; these limits sit far
/// above anything PortPro writes and far below memory trouble, so that a hostile or broken
/// file (a 100 MB string, a million nested arrays) ends in a `limit-exceeded` diagnostic
/// instead of an allocation the size of the file or a stack overflow. Reading stops at the
/// first limit hit: what follows cannot be trusted to line up with records.
public enum ReaderLimits {
    /// Deepest nesting of values inside the document (the export object is level 1).
    public static let maximumDepth = 64
    /// Largest single string, number or element text, in UTF-8 bytes (1 MiB).
    public static let maximumValueBytes = 1 << 20
    /// Largest number of values in one record.
    public static let maximumNodesPerRecord = 200_000
    /// Largest total of text in one record, in UTF-8 bytes (16 MiB).
    public static let maximumRecordTextBytes = 16 << 20

    /// Most charge sets one invoice number may gather from the envelopes of one PortPro API
    /// response. Real combined invoices hold tens of loads; the stage combines each envelope's
    /// part with the invoice staged so far, so one number repeated over a million envelopes would
    /// cost time quadratic in them.
    public static let maximumChargeSetsPerInvoice = 1_000

    /// The message for an invoice number over ``maximumChargeSetsPerInvoice`` charge sets.
    static func tooManyChargeSetsMessage(_ number: String) -> String {
        "invoice \(number) gathers more than \(maximumChargeSetsPerInvoice) charge sets in this file; "
            + "PortPro's combined invoices hold tens of loads, so the file is refused"
    }

    /// `1 MiB`, `16 MiB`: a byte size as the messages show it.
    public static func describe(bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    /// The message for a value longer than ``maximumValueBytes``.
    public static var valueTooLongMessage: String {
        "a value is longer than \(describe(bytes: maximumValueBytes)); no PortPro field is that long, "
            + "so the file is refused (is it an export at all?)"
    }

    /// The message for nesting deeper than ``maximumDepth``.
    public static var tooDeepMessage: String {
        "values are nested more than \(maximumDepth) levels deep; PortPro records are 4 or 5 levels deep"
    }

    /// The message for a record with more than ``maximumNodesPerRecord`` values.
    public static var tooManyValuesMessage: String {
        "a record holds more than \(maximumNodesPerRecord) values; refusing it"
    }

    /// The message for a record with more than ``maximumRecordTextBytes`` of text.
    public static var recordTooLargeMessage: String {
        "a record holds more than \(describe(bytes: maximumRecordTextBytes)) of text; refusing it"
    }
}
