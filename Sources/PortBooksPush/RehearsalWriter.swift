import Foundation
import PortBooksJSON
import PortBooksQuickBooks

/// The push of a dry run: answers every write as QuickBooks would accept it, and sends nothing.
///
/// A created object gets the Id ``newID``, so the records that depend on it (an invoice on its
/// new customer, a payment on its new invoice) plan exactly as they will in the real run, where
/// those come first; plan.csv shows them as references to `(new)`.
public struct RehearsalWriter: QuickBooksWriter {
    /// The Id a dry run gives an object it would create.
    public static let newID = "(new)"

    public init() {}

    public func createInBatches(_ jobs: [WriteJob], entity: String) async throws -> WriteAnswers {
        created(jobs)
    }

    public func createEach(_ jobs: [WriteJob], entity: String, concurrency: Int) async throws -> WriteAnswers {
        created(jobs)
    }

    public func update(_ jobs: [UpdateJob], entity: String) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for job in jobs {
            var members = job.changes
            members["Id"] = .string(job.qbID)
            members["SyncToken"] = .string(String((Int(job.syncToken) ?? 0) + 1))
            answers[job.recordID] = .success(.object(members))
        }
        return answers
    }

    public func void(_ jobs: [VoidJob], entity: String) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for job in jobs {
            answers[job.recordID] = .success(
                [
                    "Id": .string(job.qbID), "SyncToken": .string(String((Int(job.syncToken) ?? 0) + 1)),
                    "TotalAmt": 0, "PrivateNote": "Voided",
                ])
        }
        return answers
    }

    func created(_ jobs: [WriteJob]) -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for job in jobs {
            answers[job.recordID] = .success(
                job.json.setting("Id", to: .string(Self.newID)).setting("SyncToken", to: "0"))
        }
        return answers
    }
}

extension RehearsalWriter {
    public func admit(_ route: WireSend.Route) async throws -> WriteAdmission {
        WriteAdmission(permit: nil)
    }

    public func unused(_ admission: WriteAdmission) async {}

    public func send(_ send: WireSend, admission: WriteAdmission?) async throws -> WriteAnswers {
        created(send.jobs.map(\.job))
    }
}
