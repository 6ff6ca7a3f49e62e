import AnyunCore
import Center
import Foundation
import Hummingbird
import LogAudit

/// 事件详情 `/logs/events/{day}-{seq}`: every header field, the decoded fields, what the flags
/// mean, the owner it was attributed to (with links to the registry) and the raw message.
enum LogEventPage {
    struct Property {
        let label: String
        let value: String
        let mono: Bool
    }

    struct Owner {
        let label: String
        let name: String
        let href: String
    }

    struct Field {
        let name: String
        let value: String
        let href: String
    }

    struct View {
        let id: String
        let summary: String
        let properties: [Property]
        let owners: [Owner]
        let unattributed: Bool
        let flags: [LogText.Flag]
        let flagged: Bool
        let fields: [Field]
        let noFields: Bool
        let message: String
        let nearbyURL: String
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv, services: LogServices) {
        pages.get("logs/events/:id") { _, context in
            let p = try context.requirePrincipal()
            try p.require(.logRead)
            guard let raw = context.parameters.get("id"), let (day, seq) = EventRoutes.eventID(raw) else {
                throw ConsoleError.badRequest("事件编号应为 日期-序号，如 2026-03-01-17 (expected YYYY-MM-DD-SEQ)")
            }
            // The store applies the scope: another unit's event is simply not there.
            guard let stored = try await services.logs.store.event(day: day, seq: seq, units: p.tenantScope.restrict(nil)) else {
                throw CenterError.notFound("event \(raw)")
            }
            let view = await view(stored, env: env, p: p)
            return await env.renderer.page("event", title: "事件详情", nav: .logs, view, context: context)
        }
    }

    static func view(_ stored: StoredEvent, env: ConsoleEnv, p: Principal) async -> View {
        let e = stored.event
        let time = env.renderer.time
        var properties: [Property] = []
        func add(_ label: String, _ value: String?, mono: Bool = false) {
            if let value, !value.isEmpty { properties.append(Property(label: label, value: value, mono: mono)) }
        }
        add("事件编号", stored.id, mono: true)
        add("事件时间", time.text(LogEvent.date(e.time)) + "（北京时间）")
        add("接收时间", time.text(LogEvent.date(e.received)) + "（北京时间）")
        add("传输方式", LogText.transports[e.transport] ?? e.transport.rawValue)
        add("发送方地址", e.sourceAddress, mono: true)
        add("主机名", e.hostname, mono: true)
        add("程序", e.app, mono: true)
        add("进程号", e.procID, mono: true)
        add("消息 ID", e.msgID, mono: true)
        add("级别", LogText.severityText(e.severity))
        add("设施", LogText.facilityText(e.facility))
        add("解码器", e.decoder ?? "无（未匹配任何解码器）", mono: e.decoder != nil)
        add("存储分区", stored.day.description + "，序号 \(e.seq)")

        // Names through the registry with the caller's rights; a name that cannot be read shows the id.
        var owners: [Owner] = []
        if let id = e.unitID {
            let name = (try? await env.center.registry.unit(id, by: p))?.name ?? "单位 #\(id)"
            owners.append(Owner(label: "所属单位", name: name, href: "/units/\(id)"))
        }
        if let id = e.systemID {
            let name = (try? await env.center.registry.system(id, by: p))?.name ?? "业务系统 #\(id)"
            owners.append(Owner(label: "业务系统", name: name, href: "/systems/\(id)"))
        }
        if let id = e.hostID {
            let name = (try? await env.center.registry.host(id, by: p))?.hostname ?? "云主机 #\(id)"
            owners.append(Owner(label: "云主机", name: name, href: "/hosts/\(id)"))
        }

        let fields = e.fields.keys.sorted().map { name in
            Field(name: name, value: e.fields[name]!, href: "/logs" + QueryString([("q", QueryText.term(name, e.fields[name]!)),
                                                                                  ("from", "now-7d")]).text)
        }
        let flags = LogText.flags(e.flags)
        let around: Int64 = 5 * 60_000_000
        let nearbyQuery = e.hostname.map { QueryText.term("host", $0) } ?? ""
        let nearby = "/logs" + QueryString([("q", nearbyQuery), ("from", LogText.formTime(e.time - around, time: time)),
                                            ("to", LogText.formTime(e.time + around, time: time))]).text
        return View(id: stored.id, summary: LogText.excerpt(e.message, limit: 80).text, properties: properties, owners: owners,
                    unattributed: owners.isEmpty, flags: flags, flagged: !flags.isEmpty, fields: fields, noFields: fields.isEmpty,
                    message: e.message, nearbyURL: nearby)
    }
}
