/// The commented `portbooks.toml` that `portbooks init` writes: every key, its default, and why.
///
/// It is also the settings reference in short; docs/MAPPING.md has the long form. A test loads
/// it, so the default always parses and every template in it is valid.
public enum DefaultSettingsFile {
    /// The file's text; with `sandboxURL`, the connection points at a qbo-sandbox at that URL.
    public static func text(sandboxURL: String? = nil) -> String {
        let quickbooks: String
        if let sandbox = sandboxURL.map(trimmingSlash) {
            quickbooks = """
                [quickbooks]
                # A local qbo-sandbox (`portbooks init --sandbox URL`): same API, no Intuit account.
                environment = "sandbox"
                base_url = "\(sandbox)/v3"
                realm_id = ""                     # empty: the company chosen at `portbooks connect`
                minor_version = 75
                client_id = "portbooks-demo"      # the secret is in state/client-secret (mode 0600)
                redirect_uri = "http://localhost:8765/callback"
                auth_url = "\(sandbox)/connect/oauth2"
                token_url = "\(sandbox)/oauth2/v1/tokens/bearer"
                revoke_url = "\(sandbox)/oauth2/v1/tokens/revoke"
                token_file = "state/tokens.json"
                client_secret_file = "state/client-secret"
                """
        } else {
            quickbooks = """
                [quickbooks]
                # "sandbox" or "production" (Intuit's sandbox companies use the sandbox base URL).
                environment = "production"
                # The API base up to /v3; Intuit sandbox: https://sandbox-quickbooks.api.intuit.com/v3
                base_url = "https://quickbooks.api.intuit.com/v3"
                realm_id = ""                     # empty: the company chosen at `portbooks connect` (state/tokens.json); set it to refuse any other
                minor_version = 75
                client_id = ""                    # from the Intuit developer portal
                # No secrets in this file: the client secret comes from the environment variable
                # PORTBOOKS_CLIENT_SECRET, or from client_secret_file (mode 0600).
                redirect_uri = "http://localhost:8765/callback"
                auth_url = "https://appcenter.intuit.com/connect/oauth2"
                token_url = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
                revoke_url = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
                token_file = "state/tokens.json"  # access and refresh tokens, mode 0600
                client_secret_file = "state/client-secret"
                """
        }
        return """
            # portbooks.toml: PortPro's "QuickBooks settings" and "Custom Mapping" for PortBooks.
            # The full reference is docs/MAPPING.md. Unknown keys, wrong types and unknown template
            # variables are errors naming the line: a typo never silently falls back to a default.
            # Paths are relative to this file's folder.

            \(quickbooks)

            [folders]
            inbox = "inbox"                 # drop files (*.json, *.xml) arrive here
            resolutions = "resolutions"     # edited problems.csv files to apply
            archive = "archive"             # processed files, by date
            rejected = "rejected"           # files refused whole, with FILE.error.txt
            reports = "reports"             # problems.csv and runs/<run-id>/
            state = "state"                 # the ledger and secrets

            [sync]
            # What syncs at all; a kind switched off is read and staged but never pushed.
            customers = true
            invoices = true
            payments = true
            credit_memos = true
            reconcile_first = false         # compare with QuickBooks (CDC) before pushing

            [undo]
            # `portbooks undo RUN_ID`: the invoices and credit memos a run created are "delete"d
            # (voided only where QuickBooks refuses), or "void"ed. Customers are made inactive.
            documents = "delete"

            [customers]
            # How an existing QuickBooks customer is found, in order: "email" (PortPro's QuickBooks
            # Email against PrimaryEmailAddr), "display_name" (company name against DisplayName).
            match = ["email", "display_name"]
            create_missing = true           # create customers QuickBooks does not have yet
            # QuickBooks refuses ":" tab and newline in names. Empty: such a name is the problem
            # invalid-display-name. Otherwise each is replaced by this text, e.g. " - ".
            name_character_replacement = ""
            send_currency = false           # send CurrencyRef (needs multi-currency in QuickBooks)

            [invoices]
            doc_number = "portpro"          # "portpro": the invoice number; "quickbooks": QuickBooks numbers
            date = "billingDate"            # TxnDate from "billingDate" or "createdAt"
            # "due-date": DueDate only (PortPro's, or the date plus payment_terms days);
            # "from-portpro": SalesTermRef "Net N" from payment_terms; "none": QuickBooks decides;
            # any other text: that QuickBooks term on every invoice.
            terms = "due-date"
            # On invoices with several charge sets (combined invoices, sub-bills), a description-only
            # header line (templates.charge_set_header) before each charge set.
            group_lines_by_charge_set = true

            [items]
            # The QuickBooks item (Products and Services) for a charge code missing from [items.map].
            # Empty: such a charge is the problem unmapped-charge-code.
            default = ""

            [items.map]
            # "PORTPRO CHARGE CODE" = "QuickBooks item name" (codes match ignoring case).
            "BASE PRICE" = "Drayage"
            "FUEL SURCHARGE" = "Fuel Surcharge"

            [tax]
            # "line": tax charges such as "HST (13 %)" are ordinary lines (item below, or [items.map]);
            # "skip": left off, QuickBooks computes tax from its own tax codes (TxnTaxDetail).
            mode = "line"
            charge_types = ["TAX"]          # a charge whose chargeType is one of these is tax
            charge_names = []               # and so is a charge with one of these names
            item = ""                       # item for tax lines; empty: the charge code's mapping

            [payments]
            deposit_account = ""            # QuickBooks account name; empty: Undeposited Funds

            [payments.methods]
            # PortPro method (CHECK ACH WIRE CREDIT_CARD CASH OTHER, or any other, e.g. ZELLE) = QuickBooks
            # payment method name; a method not listed goes with no method (noted in the results).
            CHECK = "Check"

            [class]
            name = ""                       # a QuickBooks class for every line; empty: none

            [location]
            name = ""                       # a QuickBooks location (DepartmentRef); empty: none

            [push]
            # true: records also go one request each beside the 40 batches of 30 a minute (up to
            # 1,660 a minute); false: every create in a batch (fewest requests, up to 1,200 a minute).
            single_requests = true

            [custom_fields]
            # Up to 3: "QuickBooks custom field name" = "template" (values up to 31 characters).
            # Invoice-level: load.* holds only what every load of the invoice shares.
            # "Container #" = "{{load.container}}"
            # "PO #" = "{{load.po}}"

            [templates]
            # Mustache, plain text. Variables: docs/MAPPING.md "Template variables". Put optional
            # parts in sections, {{#load.po}} / PO {{load.po}}{{/load.po}}: an empty or missing value
            # removes the whole section, label and separator included.
            line_description = "{{charge.name}} – Load {{load.reference}}{{#load.container}} / Ctr {{load.container}}{{/load.container}}{{#load.po}} / PO {{load.po}}{{/load.po}}"
            charge_set_header = "Load {{load.reference}}{{#load.container}} / Ctr {{load.container}}{{/load.container}}{{#charge_set.is_sub_bill}} / sub-bill{{#charge_set.number}} {{charge_set.number}}{{/charge_set.number}}{{/charge_set.is_sub_bill}}"
            customer_memo = "{{invoice.notes}}"
            private_note = "PortPro invoice {{invoice.number}} – loads {{invoice.load_references}}"
            credit_memo_line = "{{credit_line.name}}{{#credit_line.description}} – {{credit_line.description}}{{/credit_line.description}}"
            credit_memo_note = "{{credit_memo.note}}{{#credit_memo.invoice_number}} (invoice {{credit_memo.invoice_number}}){{/credit_memo.invoice_number}}"

            """
    }

    private static func trimmingSlash(_ url: String) -> String {
        var result = url
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
