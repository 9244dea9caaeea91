/// The report pages' one style sheet, inline in every page: no network, no external font or
/// script, so a page opens offline, from a mail attachment or a file share. Readable on a phone
/// (tables scroll sideways inside their box, nothing wider than the screen) and printable
/// (no background colours needed, tables not split mid-row).
enum ReportStyle {
    static let css = """
        :root{color-scheme:light;--ink:#1d2330;--muted:#5b6475;--line:#d7dce4;--ok:#116b35;--warn:#8a5a00;--bad:#a4161a;--band:#f3f5f8}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1100px;padding:16px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
        h1{font-size:1.45em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        h3{font-size:1em;margin:18px 0 6px}
        p,li{max-width:70ch}.muted{color:var(--muted)}
        .verdict{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;border:1px solid currentColor}
        .verdict.ok{color:var(--ok)}.verdict.warn{color:var(--warn)}.verdict.bad{color:var(--bad)}
        .cards{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
        .card{flex:1 1 140px;border:1px solid var(--line);border-radius:6px;padding:8px 10px;background:var(--band)}
        .card b{display:block;font-size:1.35em}
        .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:6px 0 12px}
        table{border-collapse:collapse;width:100%;font-size:.93em}
        caption{text-align:left;font-weight:600;padding:4px 0}
        th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
        th{background:var(--band);white-space:nowrap}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .diff-bad{color:var(--bad);font-weight:600}
        code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;overflow-wrap:anywhere}
        footer{margin-top:32px;font-size:.85em;color:var(--muted)}
        @media (max-width:600px){body{padding:10px;font-size:14px}th,td{padding:4px 6px}}
        @media print{body{max-width:none;padding:0;font-size:11pt}.scroll{overflow:visible}tr{break-inside:avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}}
        """

    /// The page's head: charset, phone viewport, title, the style sheet.
    static func head(title: String) -> String {
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            + "<title>\(HTMLText.escaped(title))</title><style>\(css)</style></head><body>"
    }
}
