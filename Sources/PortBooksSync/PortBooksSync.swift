/// The sync engine (issue #6): stage, plan, push, record, report.
enum PortBooksSyncModule {}
