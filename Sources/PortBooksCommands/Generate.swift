import ArgumentParser
import Foundation
import PortBooksCore

/// `portbooks generate`: a realistic synthetic export, streamed, the same for the same seed.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic PortPro export (for rehearsals and benchmarks).",
        discussion: """
            Customers, payments and credit memos come in proportion to the invoices. The same \
            seed gives the same file; the file is written as a stream, so a million invoices never \
            sit in memory.
            """
    )

    // Unconditional: `--invoices -5` reaches validate() (and its sentence) instead of reading as an option.
    @Option(parsing: .unconditional, help: "How many invoices to generate.")
    var invoices: Int

    @Option(help: "json or xml (an export document), or portpro-api (a PortPro API list page, see --response).")
    var format: String = "json"

    @Option(
        help: """
            With --format portpro-api: invoices (a GET /v1/invoices page, an envelope per load) or \
            customers (a GET /v1/customer page). PortPro's API has no payments or credit memos.
            """)
    var response: String = "invoices"

    @Option(
        help: """
            Pay every invoice in full in N payments (a paid history) instead of the default mix \
            (about 3 payments for every 10 invoices); 0 writes no payments.
            """)
    var paymentsPerInvoice: Int?

    @Flag(
        help: """
            Write only the payments (a cash-receipts file): for invoices already imported from an \
            export of the same --invoices and --seed.
            """)
    var paymentsOnly = false

    @Option(help: "The random seed; the same seed gives the same export.")
    var seed: UInt64 = 1

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    func validate() throws {
        guard invoices >= 0 else { throw ValidationError("--invoices must be 0 or more.") }
        guard ExportFormat(rawValue: format) != nil || format == Self.portproAPI else {
            throw ValidationError("--format must be json, xml or portpro-api.")
        }
        guard (paymentsPerInvoice ?? 0) >= 0, (paymentsPerInvoice ?? 0) <= 60 else {
            throw ValidationError("--payments-per-invoice must be from 0 to 60.")
        }
        guard !paymentsOnly || ExportFormat(rawValue: format) != nil else {
            throw ValidationError("--payments-only writes an export document (--format json or xml).")
        }
        guard SyntheticExport.PortProResponse(rawValue: response) != nil else {
            throw ValidationError("--response must be invoices or customers.")
        }
    }

    /// The `--format` value for PortPro API responses.
    static let portproAPI = "portpro-api"

    func run() throws {
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil) else {
                throw ValidationError("Cannot create \(escaping: out).")
            }
            guard let opened = FileHandle(forWritingAtPath: out) else {
                throw ValidationError("Cannot write \(escaping: out).")
            }
            handle = opened
        } else {
            handle = FileHandle.standardOutput
        }
        let generator = SyntheticExport(
            seed: seed, invoiceCount: invoices, paymentsPerInvoice: paymentsPerInvoice, paymentsOnly: paymentsOnly)
        let sink = BufferedOutput(handle: handle)
        if let exportFormat = ExportFormat(rawValue: format) {
            try generator.write(format: exportFormat, to: sink)
        } else {
            try generator.write(response: SyntheticExport.PortProResponse(rawValue: response) ?? .invoices, to: sink)
        }
        try sink.flush()
        if out != nil { try handle.close() }
    }
}
