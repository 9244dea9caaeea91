import Foundation
import PortBooksCore
import PortBooksJSON

extension QuickBooksClient {
    /// The most items QuickBooks accepts in one batch (more fail with 1040).
    public static let maxBatchItems = 30

    /// Sends one `/batch` request of at most 30 items; returns a result per `bId`.
    ///
    /// The whole batch is retried like any write (same `requestID`); per-item faults come back
    /// as `.fault` results, classified. `requestID` is shortened if it plus the longest `bId`
    /// exceeds 50 characters. Items cannot see each other's creates (reference/qbo-api.md §2.7).
    public func batch(_ items: [BatchItem], requestID: RequestID) async throws -> [String: BatchItemResult] {
        try await batch(items, requestID: requestID, encodedItems: nil)
    }

    /// `batch` with the items' array already serialised as ``batchRequestID(for:)`` does.
    func batch(_ items: [BatchItem], requestID: RequestID, encodedItems: Data?) async throws -> [String:
        BatchItemResult]
    {
        guard !items.isEmpty else { return [:] }
        guard items.count <= Self.maxBatchItems else {
            throw QuickBooksFault.fatal("a batch holds at most \(Self.maxBatchItems) items, not \(items.count)")
        }
        guard Set(items.map(\.bId)).count == items.count else {
            throw QuickBooksFault.fatal("batch item ids (bId) must be unique within a batch")
        }
        let longest = items.map(\.bId.count).max() ?? 0
        let budget = RequestID.maximumLength - longest
        guard budget >= 16 else {
            throw QuickBooksFault.fatal("batch item ids are too long (\(longest) characters; keep them ≤ 34)")
        }
        let effectiveID = requestID.value.count > budget ? requestID.truncated(to: budget) : requestID
        let itemsData = encodedItems ?? JSONValue.array(items.map(\.json)).encoded()
        // The bytes JSONValue writes for ["BatchItemRequest": items], without serialising twice.
        var body = Data("{\"BatchItemRequest\":".utf8)
        body.append(itemsData)
        body.append(UInt8(ascii: "}"))
        let response = try await send(.post, "batch", encodedBody: body, requestID: effectiveID, kind: .batch)
        return Self.results(of: response, items: items)
    }

    /// A result per item of a batch's answer; an item it left out is a transient fault.
    static func results(of response: JSONValue, items: [BatchItem]) -> [String: BatchItemResult] {
        var results: [String: BatchItemResult] = [:]
        for entry in response["BatchItemResponse"]?.arrayValue ?? [] {
            guard let bId = entry["bId"]?.stringValue else { continue }
            if let fault = entry["Fault"] {
                results[bId] = .fault(
                    FaultClassifier.fault(inFaultObject: fault) ?? .fatal("an empty Fault for batch item \(bId)"))
            } else if let queryResponse = entry["QueryResponse"] {
                results[bId] = .queryResponse(queryResponse)
            } else if let item = items.first(where: { $0.bId == bId }), let entity = item.entity,
                let object = entry[entity.name]
            {
                results[bId] = .object(object)
            } else {
                results[bId] = .fault(.fatal("batch item \(bId) came back without a result"))
            }
        }
        for item in items where results[item.bId] == nil {
            results[item.bId] = .fault(
                .transient(.serverError(status: 200, code: nil), attempts: 1))
        }
        return results
    }

    /// Sends any number of items as batches of at most 30, concurrently (the pacer keeps the
    /// realm's limits), and merges the results.
    ///
    /// Each chunk's `requestid` is derived from its content (the canonical JSON of its items),
    /// so re-running the same items after a crash replays instead of writing twice — provided
    /// the caller builds the same items (same bIds, same payloads) in the same order.
    public func batchAll(_ items: [BatchItem]) async throws -> [String: BatchItemResult] {
        let chunks = stride(from: 0, to: items.count, by: Self.maxBatchItems).map {
            Array(items[$0..<min($0 + Self.maxBatchItems, items.count)])
        }
        return try await withThrowingTaskGroup(of: [String: BatchItemResult].self) { group in
            for chunk in chunks {
                let encoded = Self.encodedItems(chunk)
                let requestID = try Self.batchRequestID(for: chunk, encodedItems: encoded)
                group.addTask { try await self.batch(chunk, requestID: requestID, encodedItems: encoded) }
            }
            var merged: [String: BatchItemResult] = [:]
            for try await partial in group { merged.merge(partial) { first, _ in first } }
            return merged
        }
    }

    /// A stable requestid for one chunk: SHA-256 of its items, sized to the 50-character budget.
    static func batchRequestID(for chunk: [BatchItem]) throws -> RequestID {
        try batchRequestID(for: chunk, encodedItems: encodedItems(chunk))
    }

    /// The canonical JSON of a chunk's items: what its requestid hashes and its body holds.
    static func encodedItems(_ chunk: [BatchItem]) -> Data {
        JSONValue.array(chunk.map(\.json)).encoded()
    }

    static func batchRequestID(for chunk: [BatchItem], encodedItems canonical: Data) throws -> RequestID {
        let longest = chunk.map(\.bId.count).max() ?? 0
        let digest = SHA256Digest.hexDigest(bytes: canonical)
        let length = min(32, RequestID.maximumLength - longest)
        guard length >= 16, let id = RequestID(String(digest.prefix(length))) else {
            throw QuickBooksFault.fatal("batch item ids are too long (\(longest) characters; keep them ≤ 34)")
        }
        return id
    }
}

extension QuickBooksClient {
    // MARK: Sends whose bytes were fixed before they were admitted

    /// Waits for the pacer to admit a request of `kind`. The caller chooses what to send once
    /// admitted (a batch's thirty records, or one record alone) and sends it with the permit,
    /// or gives the permit back with ``unused(_:)``.
    public func admit(_ kind: RealmPacer.Kind) async throws -> RealmPacer.Permit {
        try await pacer.acquire(kind)
    }

    /// Gives back a permit from ``admit(_:)`` that was not used.
    public func unused(_ permit: RealmPacer.Permit) async {
        await pacer.unused(permit)
    }

    /// Creates one object from bytes fixed before (written to the ledger first); `permit`
    /// admits the first attempt.
    public func create(
        _ entity: QuickBooksEntity, encodedPayload: Data, requestID: RequestID, permit: RealmPacer.Permit?
    ) async throws -> JSONValue {
        let response = try await send(
            .post, entity.resource, encodedBody: encodedPayload, requestID: requestID, permit: permit)
        return try Self.member(entity.name, of: response)
    }

    /// Sends one `/batch` whose `BatchItemRequest` array is `encodedItems`, exactly as written
    /// to the ledger before it first went (``encodedItems(_:)``); `items` are those items,
    /// for reading the answers. `requestID` must fit beside the longest `bId`.
    public func batch(
        _ items: [BatchItem], encodedItems: Data, requestID: RequestID, permit: RealmPacer.Permit?
    ) async throws -> [String: BatchItemResult] {
        guard !items.isEmpty else {
            if let permit { await pacer.unused(permit) }
            return [:]
        }
        let longest = items.map(\.bId.count).max() ?? 0
        guard items.count <= Self.maxBatchItems, requestID.value.count + longest <= RequestID.maximumLength else {
            if let permit { await pacer.unused(permit) }
            throw QuickBooksFault.fatal("a batch of \(items.count) items with requestid \(requestID.value) is too long")
        }
        var body = Data("{\"BatchItemRequest\":".utf8)
        body.append(encodedItems)
        body.append(UInt8(ascii: "}"))
        let response = try await send(
            .post, "batch", encodedBody: body, requestID: requestID, kind: .batch, permit: permit)
        return Self.results(of: response, items: items)
    }

    /// The items of a `BatchItemRequest` array as ``encodedItems(_:)`` wrote it (creates,
    /// updates, deletes and voids; queries are not sent this way).
    public static func items(encoded: Data) throws -> [BatchItem] {
        guard let array = try JSONValue.decode(encoded).arrayValue else {
            throw QuickBooksFault.fatal("a stored batch is not an array of items")
        }
        return try array.map { item in
            guard let object = item.objectValue, let bId = object["bId"]?.stringValue,
                let member = object.first(where: { !["bId", "operation", "optionsData"].contains($0.key) })
            else { throw QuickBooksFault.fatal("a stored batch item has no bId or entity") }
            let entity = QuickBooksEntity(member.key)
            let payload = member.value
            switch object["operation"]?.stringValue {
            case "update": return BatchItem(bId: bId, .update(entity, payload))
            case "delete": return BatchItem(bId: bId, .delete(entity, payload))
            case "void": return BatchItem(bId: bId, .void(entity, payload))
            default: return BatchItem(bId: bId, .create(entity, payload))
            }
        }
    }

    /// The canonical bytes of a batch's items (what its requestid hashes and its body holds).
    public static func encoded(_ items: [BatchItem]) -> Data {
        encodedItems(items)
    }

    /// A requestid for a batch of `items` derived from their bytes, short enough for its bIds.
    public static func requestID(forBatch items: [BatchItem], encodedItems: Data) throws -> RequestID {
        try batchRequestID(for: items, encodedItems: encodedItems)
    }
}
