import AnyunCore
import Center
import Foundation
import Hummingbird
import LogAudit

/// `/api/v1/events`: ingest from agents and engines, search, aggregation, export; and the log
/// store's integrity check.
enum EventRoutes {
    /// Bigger than other bodies: agents send their queued events in batches.
    static let maxIngestBody = 8 * 1024 * 1024
    static let maxIngestEvents = 10_000

    static func add(to api: RouterGroup<AppContext>, center: Center, services: LogServices) {
        api.post("events") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.logIngest)
            let bytes = try await JSONIO.body(request, limit: maxIngestBody)
            let batch = try JSONIO.decode(IngestBatch.self, bytes: bytes)
            let events = try batch.events(sender: context.remoteAddress, limit: maxIngestEvents)
            do {
                try await services.logs.ingest(events)
            } catch let error as LogStoreError {
                throw Problem(.serviceUnavailable, "Service Unavailable", detail: "日志存储不可用 (log store unavailable): \(error)")
            }
            return try JSONIO.response(IngestReceipt(accepted: events.count))
        }

        api.get("events") { request, context in
            let filter = try filter(request, context, services)
            let page = try await services.logs.store.search(filter, page: try request.page)
            return JSONIO.response(fast: EventListJSON(page: page))
        }

        api.get("events/stream") { request, context in
            let filter = try filter(request, context, services)
            let limit = min(max(try request.int("limit") ?? 100_000, 1), 10_000_000)
            let store = services.logs.store
            let body = ResponseBody { writer in
                var sent = 0
                try await store.scan(filter) { events, progress in
                    var json = JSONBuffer(capacity: 64 * 1024)
                    for event in events.prefix(limit - sent) { EventStreamJSON.event(event, into: &json) }
                    sent += min(events.count, limit - sent)
                    EventStreamJSON.progress(progress, into: &json)
                    try await writer.write(ByteBuffer(bytes: json.bytes))
                    return sent < limit
                }
                var json = JSONBuffer()
                EventStreamJSON.done(sent: sent, complete: sent < limit, into: &json)
                try await writer.write(ByteBuffer(bytes: json.bytes))
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson; charset=utf-8", .cacheControl: "no-store"],
                            body: body)
        }

        api.get("events/top") { request, context in
            guard let field = request.string("field") else {
                throw Problem(.badRequest, "Bad Request", detail: "field: 必填 (required)",
                              invalidParams: [.init(name: "field", reason: "required", line: nil)])
            }
            let limit = min(max(try request.int("limit") ?? 10, 1), 100)
            let values = try await services.logs.store.topValues(of: field, try filter(request, context, services), limit: limit)
            return try JSONIO.response(Items(items: values))
        }

        api.get("events/histogram") { request, context in
            let window = try TimeWindow(request)
            let buckets = min(max(try request.int("buckets") ?? 60, 1), 1_000)
            let width = max((window.to - window.from) / Int64(buckets), 1_000_000)
            let counts = try await services.logs.store.histogram(try filter(request, context, services), bucketMicroseconds: width)
            return try JSONIO.response(Histogram(bucketSeconds: Double(width) / 1e6, items: counts))
        }

        api.get("events/:id") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.logRead)
            guard let raw = context.parameters.get("id"), let (day, seq) = eventID(raw) else {
                throw Problem(.badRequest, "Bad Request", detail: "id: 应为 YYYY-MM-DD-序号 (expected YYYY-MM-DD-SEQ)")
            }
            guard let event = try await services.logs.store.event(day: day, seq: seq, units: principal.tenantScope.restrict(nil)) else {
                throw CenterError.notFound("event \(raw)")
            }
            return JSONIO.response(fast: event)
        }

        api.get("logs/verify") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.logVerify)
            let report = try await services.logs.store.verify(from: request.string("from").flatMap(Day.init),
                                                              to: request.string("to").flatMap(Day.init))
            try await center.store.recordAudit(AuditEntry(action: "logs.verify", targetType: "logs", targetID: "store",
                                                          outcome: report.isIntact ? "success" : "failure",
                                                          detail: report.problems.first?.description), by: principal.auditActor)
            return try JSONIO.response(VerificationJSON(report))
        }

        api.get("logs/stats") { _, context in
            try context.requirePrincipal().require(.logRead)
            return try JSONIO.response(services.logs.stats.snapshot)
        }
    }

    /// The caller's query, time window and tenant scope, compiled for the store.
    static func filter(_ request: Request, _ context: AppContext, _ services: LogServices) throws -> EventFilter {
        let principal = try context.requirePrincipal()
        try principal.require(.logRead)
        let window = try TimeWindow(request)
        let units = principal.tenantScope.restrict(try request.int64("unit_id"))
        do {
            return try LogSearch.filter(query: request.formValue("q") ?? "", from: window.from, to: window.to, units: units,
                                        names: services.names)
        } catch let error as QuerySyntaxError {
            throw Problem(.badRequest, "Bad Request", detail: "查询语法错误 (query syntax error): \(error)",
                          invalidParams: [.init(name: "q", reason: error.description, line: nil)])
        } catch let error as QueryCompileError {
            throw Problem(.badRequest, "Bad Request", detail: "查询无法执行 (query cannot run): \(error)",
                          invalidParams: [.init(name: "q", reason: error.description, line: nil)])
        }
    }

    static func eventID(_ raw: String) -> (Day, Int64)? {
        guard raw.count > 11, let day = Day(String(raw.prefix(10))), raw.dropFirst(10).first == "-",
              let seq = Int64(raw.dropFirst(11)), seq > 0 else { return nil }
        return (day, seq)
    }
}

struct IngestReceipt: Encodable {
    var accepted: Int
}

struct Histogram: Encodable {
    var bucketSeconds: Double
    var items: [TimeBucket]

    enum CodingKeys: String, CodingKey {
        case bucketSeconds = "bucket_seconds", items
    }
}

struct VerificationJSON: Encodable {
    var intact: Bool
    var events: Int64
    var partitions: [Partition]
    var problems: [String]

    struct Partition: Encodable {
        var day: String
        var events: Int64
        var sealed: Bool
        var problem: String?
    }

    init(_ report: VerificationReport) {
        intact = report.isIntact
        events = report.eventCount
        partitions = report.partitions.map { Partition(day: $0.day, events: $0.events, sealed: $0.sealed, problem: $0.problem?.description) }
        problems = report.problems.map(\.description)
    }
}
