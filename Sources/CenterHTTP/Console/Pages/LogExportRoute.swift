import AnyunCore
import Center
import Foundation
import Hummingbird
import LogAudit

/// `GET /logs/export.csv`: the events of a search as a spreadsheet, streamed page by page so a
/// large export never sits in memory, capped, and recorded in the audit trail before the first
/// byte leaves (who took which logs out is itself evidence).
enum LogExportRoute {
    static let maxRows = 1_000_000
    /// Events per store read while streaming.
    static let pageRows = PageRequest.maxLimit
    /// Events per time slice: offset paging stays cheap inside a slice however large the export.
    static let sliceRows = 20_000

    static let header = ["事件编号", "时间（北京时间）", "接收时间", "单位", "业务系统", "主机", "来源地址", "程序", "进程号",
                         "级别", "设施", "消息", "字段", "解码器", "标志"]

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv, services: LogServices) {
        pages.get("logs/export.csv") { request, context in
            let p = try context.requirePrincipal()
            try p.require(.logRead)
            let r = try LogRequest(FormData.query(request))
            let now = LogEvent.microseconds(Date())
            let typed: EventFilter
            do {
                typed = try r.filter(p, names: services.names, window: try r.window(now: now), now: now)
            } catch let error as QuerySyntaxError {
                throw ConsoleError.badRequest("查询语法错误（第 \(error.column) 列）：\(error.chineseMessage)")
            } catch let error as QueryCompileError {
                throw ConsoleError.badRequest("查询无法执行：\(error.message)")
            }
            var snapshot = typed
            snapshot.seqLimits = await services.logs.store.seqSnapshot()
            let filter = snapshot
            let total = try await services.logs.store.count(filter)
            let rows = min(total, maxRows)
            let time = env.renderer.time
            let unitFilter = r.units(p)
            let unitID: Int64? = if case .only(let id) = unitFilter { id } else { nil }
            try await env.center.store.recordAudit(AuditEntry(
                action: "logs.export", targetType: "logs", targetID: "search", unitID: unitID,
                detail: "查询「\(r.q)」，时间 \(time.text(LogEvent.date(filter.from))) 至 \(time.text(LogEvent.date(filter.to)))，"
                    + "导出 \(rows) 条" + (total > maxRows ? "（共 \(total) 条，超过上限 \(maxRows) 条）" : "")), by: p.auditActor)

            let names = await LogNames.load(env.center, p)
            let slices = try await slices(filter, store: services.logs.store)
            let store = services.logs.store
            let stamp = time.text(Date()).filter(\.isNumber)
            let body = ResponseBody { writer in
                var buffer = ByteBuffer(bytes: [0xEF, 0xBB, 0xBF])
                buffer.writeString(CSV.line(header))
                var written = 0
                for slice in slices where written < rows {
                    var part = filter
                    part.from = slice.from
                    part.to = slice.to
                    var offset = 0
                    while written < rows {
                        let page = try await store.search(part, page: PageRequest(offset: offset, limit: min(pageRows, rows - written)))
                        for stored in page.items { buffer.writeString(CSV.line(fields(stored, names: names, time: time))) }
                        written += page.items.count
                        offset += page.items.count
                        try await writer.write(buffer)
                        buffer.clear()
                        if page.items.isEmpty || offset >= page.total { break }
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                                   .contentDisposition: "attachment; filename=\"logs-\(stamp).csv\""],
                            body: body)
        }
    }

    /// Consecutive periods, newest first, each holding at most about `sliceRows` events (a
    /// single busier histogram bucket is a slice of its own).
    static func slices(_ filter: EventFilter, store: PartitionedEventStore) async throws -> [(from: Int64, to: Int64)] {
        let width = max((filter.to - filter.from) / 2_000, 1_000_000)
        let buckets = try await store.histogram(filter, bucketMicroseconds: width).sorted { $0.start > $1.start }
        var slices: [(from: Int64, to: Int64)] = []
        var current: (from: Int64, to: Int64, count: Int)?
        for bucket in buckets {
            let from = max(bucket.start, filter.from), to = min(bucket.start + width - 1, filter.to)
            if var open = current, open.count + bucket.count <= sliceRows {
                open.from = from
                open.count += bucket.count
                current = open
            } else {
                if let open = current { slices.append((open.from, open.to)) }
                current = (from, to, bucket.count)
            }
        }
        if let open = current { slices.append((open.from, open.to)) }
        return slices
    }

    static func fields(_ stored: StoredEvent, names: LogNames, time: TimeText) -> [String] {
        let e = stored.event
        return [stored.id, time.text(LogEvent.date(e.time)), time.text(LogEvent.date(e.received)), names.unit(e.unitID) ?? "",
                names.system(e.systemID) ?? "", e.hostname ?? "", e.sourceAddress ?? "", e.app ?? "", e.procID ?? "",
                LogText.severity(e.severity)?.text ?? "", e.facility.map(String.init) ?? "", e.message,
                e.fields.keys.sorted().map { "\($0)=\(e.fields[$0]!)" }.joined(separator: "; "), e.decoder ?? "",
                EventFlagNames.names(e.flags).joined(separator: " ")]
    }
}
