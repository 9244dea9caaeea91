/// The ledger (issue #6): SQLite state through GRDB.
enum PortBooksLedgerModule {}
