import Foundation
import PortBooksJSON
import PortBooksQuickBooks

/// The push against QuickBooks, through the client (pacing, retries with the same requestid,
/// token refresh).
public struct LiveWriter: QuickBooksWriter {
    public let client: QuickBooksClient

    public init(client: QuickBooksClient) {
        self.client = client
    }

    /// An answer for every job: the object, the item's fault, or `no-answer` when the batch
    /// left it out.
    public func createInBatches(_ jobs: [WriteJob], entity: String) async throws -> WriteAnswers {
        guard !jobs.isEmpty else { return [:] }
        let items = jobs.map { BatchItem(bId: $0.batchID, .create(QuickBooksEntity(entity), $0.json)) }
        var answers: WriteAnswers = [:]
        for (bId, result) in try await client.batchAll(items) {
            guard let id = WriteJob.recordID(inBatchID: bId) else { continue }
            switch result {
            case .object(let object) where object["Id"]?.stringValue != nil: answers[id] = .success(object)
            case .fault(let fault): answers[id] = .failure(fault)
            default: continue
            }
        }
        for job in jobs where answers[job.recordID] == nil { answers[job.recordID] = .failure(Self.noAnswer) }
        return answers
    }

    /// QuickBooks' answer for a write it did not answer (a batch reply without the item).
    public static let noAnswer = QuickBooksFault.recordProblem(
        code: "no-answer", message: "QuickBooks returned no result for this record", detail: nil, element: nil)

    /// Few at a time on purpose: the pacer serves single requests in order, and a number lookup
    /// that the next invoice batches wait for must not queue behind hundreds of payments.
    /// Every job gets an answer: one the group never answered is `no-answer`, never a gap.
    public func createEach(_ jobs: [WriteJob], entity: String, concurrency: Int) async throws -> WriteAnswers {
        let client = client
        let answers = try await withThrowingTaskGroup(of: (Int, Result<JSONValue, QuickBooksFault>).self) { group in
            var answers: [Int: Result<JSONValue, QuickBooksFault>] = [:]
            var next = 0
            var running = 0
            while next < jobs.count || running > 0 {
                while next < jobs.count && running < concurrency {
                    let index = next
                    let job = jobs[index]
                    group.addTask {
                        do {
                            let object = try await client.create(
                                QuickBooksEntity(entity), job.json, requestID: job.requestID)
                            return (index, .success(object))
                        } catch let fault as QuickBooksFault {
                            return (index, .failure(fault))
                        }
                    }
                    next += 1
                    running += 1
                }
                guard let (index, answer) = try await group.next() else { break }
                answers[index] = answer
                running -= 1
            }
            return answers
        }
        var outcomes: WriteAnswers = [:]
        for (index, job) in jobs.enumerated() { outcomes[job.recordID] = answers[index] ?? .failure(Self.noAnswer) }
        return outcomes
    }

    public func void(_ jobs: [VoidJob], entity: String) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for job in jobs {
            do {
                answers[job.recordID] = .success(
                    try await client.void(
                        QuickBooksEntity(entity), id: job.qbID, syncToken: job.syncToken, requestID: job.requestID))
            } catch let fault as QuickBooksFault {
                answers[job.recordID] = .failure(fault)
                if fault.category != .recordProblem { break }
            }
        }
        return answers
    }

    /// A stale SyncToken is re-read once by the client.
    public func update(_ jobs: [UpdateJob], entity: String) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for job in jobs {
            do {
                answers[job.recordID] = .success(
                    try await client.sparseUpdate(
                        QuickBooksEntity(entity), id: job.qbID, syncToken: job.syncToken, changes: job.changes,
                        requestID: job.requestID))
            } catch let fault as QuickBooksFault {
                answers[job.recordID] = .failure(fault)
                if fault.category != .recordProblem { break }
            }
        }
        return answers
    }
}

extension LiveWriter {
    public func admit(_ route: WireSend.Route) async throws -> WriteAdmission {
        WriteAdmission(permit: try await client.admit(route == .batch ? .batch : .single))
    }

    public func unused(_ admission: WriteAdmission) async {
        if let permit = admission.permit { await client.unused(permit) }
    }

    /// A batch's item faults are its records' answers, and an item the answer left out is
    /// `no-answer`; a single's fault is its record's answer. What fails the whole request past
    /// its retries is thrown.
    public func send(_ send: WireSend, admission: WriteAdmission?) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        switch send.route {
        case .batch:
            let items = send.jobs.map {
                BatchItem(bId: $0.job.batchID, .create(QuickBooksEntity($0.entity), $0.job.json))
            }
            let results = try await client.batch(
                items, encodedItems: send.body, requestID: send.requestID, permit: admission?.permit)
            for (bId, result) in results {
                guard let id = WriteJob.recordID(inBatchID: bId) else { continue }
                switch result {
                case .object(let object) where object["Id"]?.stringValue != nil: answers[id] = .success(object)
                case .fault(let fault): answers[id] = .failure(fault)
                default: continue
                }
            }
            for (_, job) in send.jobs where answers[job.recordID] == nil {
                answers[job.recordID] = .failure(Self.noAnswer)
            }
        case .single:
            guard let first = send.jobs.first else { return [:] }
            let (entity, job) = first
            do {
                answers[job.recordID] = .success(
                    try await client.create(
                        QuickBooksEntity(entity), encodedPayload: send.body, requestID: send.requestID,
                        permit: admission?.permit))
            } catch let fault as QuickBooksFault {
                answers[job.recordID] = .failure(fault)
            }
        }
        return answers
    }
}
