import AnyunCore
import Detection
import Foundation

/// How the log pages say syslog's numbers and the store's flags in words.
enum LogText {
    /// RFC 5424 severities, 0 … 7.
    static let severities: [(zh: String, en: String, tone: String)] = [
        ("紧急", "emerg", "danger"), ("警报", "alert", "danger"), ("严重", "crit", "danger"), ("错误", "err", "danger"),
        ("警告", "warning", "warn"), ("通知", "notice", "info"), ("信息", "info", "muted"), ("调试", "debug", "muted"),
    ]

    static func severity(_ value: Int?) -> Badge? {
        guard let value else { return nil }
        guard severities.indices.contains(value) else { return Badge(text: String(value), tone: "muted") }
        return Badge(text: severities[value].zh, tone: severities[value].tone)
    }

    static func severityText(_ value: Int?) -> String? {
        guard let value else { return nil }
        guard severities.indices.contains(value) else { return String(value) }
        return "\(value) \(severities[value].zh)（\(severities[value].en)）"
    }

    static let facilities = ["kern 内核", "user 用户进程", "mail 邮件", "daemon 系统守护进程", "auth 认证", "syslog 日志服务",
                             "lpr 打印", "news 新闻", "uucp UUCP", "cron 计划任务", "authpriv 认证（私有）", "ftp FTP",
                             "ntp 时间同步", "security 安全审计", "console 控制台", "clock 时钟"]

    static func facilityText(_ value: Int?) -> String? {
        guard let value else { return nil }
        if facilities.indices.contains(value) { return "\(value) \(facilities[value])" }
        if (16...23).contains(value) { return "\(value) local\(value - 16)" }
        return String(value)
    }

    static let transports: [LogTransport: String] = [.udp: "Syslog UDP", .tcp: "Syslog TCP", .tls: "Syslog TLS", .api: "HTTPS API"]

    struct Flag {
        let code: String
        let meaning: String
    }

    /// Each flag with what it means for how far to trust the event's parsed parts.
    static let flagMeanings: [String: String] = [
        "parse_error": "无法解析的原始日志：syslog 头部不符合 RFC 5424/3164，整行原样保存在消息中",
        "truncated": "消息超过长度上限，已截断保存",
        "invalid_encoding": "编码无效：既不是 UTF-8 也不是 GB18030，无效字节已替换为 �",
        "converted_from_gbk": "原始内容为 GBK/GB18030 编码，已转换为 UTF-8",
        "had_nul": "消息中含有 NUL 字节，已替换",
    ]

    static func flags(_ flags: LogEventFlags) -> [Flag] {
        EventFlagNames.names(flags).map { Flag(code: $0, meaning: flagMeanings[$0] ?? $0) }
    }

    /// The first `limit` characters, and whether anything was cut.
    static func excerpt(_ message: String, limit: Int = 160) -> (text: String, cut: Bool) {
        let flat = message.replacingOccurrences(of: "\n", with: " ")
        guard flat.count > limit else { return (flat, false) }
        return (String(flat.prefix(limit)) + "…", true)
    }

    /// The offset `TimeWindow` reads zoneless times in.
    static let beijing = 8 * 3600

    /// A time as the `from` / `to` fields accept it: local time without a zone when the centre
    /// runs on Beijing time (what `TimeWindow` assumes), milliseconds only when there are any.
    static func formTime(_ microseconds: Int64, time: TimeText) -> String {
        var text = time.text(LogEvent.date(microseconds)).replacingOccurrences(of: " ", with: "T")
        let local = microseconds + Int64(time.utcOffsetSeconds) * 1_000_000
        let millis = ((local % 1_000_000) + 1_000_000) % 1_000_000 / 1_000
        if millis != 0 { text += "." + String(format: "%03d", millis) }
        if time.utcOffsetSeconds != beijing {
            let minutes = abs(time.utcOffsetSeconds) / 60
            text += (time.utcOffsetSeconds < 0 ? "-" : "+") + String(format: "%02d:%02d", minutes / 60, minutes % 60)
        }
        return text
    }
}

/// Pieces of query text built for links: values quoted when the language needs it, terms
/// added to what the user already typed without changing its meaning.
enum QueryText {
    /// A bare word when the value is plain, else a phrase with `\` and `"` escaped. Wildcards
    /// are quoted too, so a value is always matched as itself.
    static func value(_ raw: String) -> String {
        let plain = !raw.isEmpty && !raw.unicodeScalars.contains {
            $0.properties.isWhitespace || "()\"\\*?:[]{}<>=!".unicodeScalars.contains($0)
        } && !["AND", "OR", "NOT", "TO"].contains(raw.uppercased()) && !raw.hasPrefix("-")
        return plain ? raw : "\"" + raw.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func term(_ field: String, _ raw: String) -> String { "\(field):\(value(raw))" }

    /// `query AND term`; a query with OR is put in parentheses first, since AND binds tighter.
    static func adding(_ term: String, to query: String) -> String {
        let q = query.trimmingCharacters(in: .whitespaces)
        if q.isEmpty { return term }
        let upper = q.uppercased()
        if upper.contains(" OR ") || q.contains("||") { return "(\(q)) AND \(term)" }
        return "\(q) AND \(term)"
    }
}

/// Alerts in the console's words and colours.
enum AlertText {
    static let severities: [Severity: (zh: String, tone: String)] = [
        .info: ("信息", "muted"), .low: ("低危", "info"), .medium: ("中危", "warn"), .high: ("高危", "danger"), .critical: ("严重", "danger"),
    ]

    static func severity(_ s: Severity) -> Badge {
        Badge(text: severities[s]?.zh ?? s.rawValue, tone: severities[s]?.tone ?? "muted")
    }

    static let states: [AlertState: (zh: String, tone: String)] = [
        .new: ("新告警", "danger"), .acknowledged: ("已确认", "warn"), .resolved: ("已解决", "ok"),
    ]

    /// The transitions the alert store accepts (new → acknowledged → resolved, resolved → new),
    /// so a page offers only buttons that can work.
    static func allowed(from: AlertState, to: AlertState) -> Bool {
        switch (from, to) {
        case (.new, .acknowledged), (.new, .resolved), (.acknowledged, .resolved), (.resolved, .new): true
        default: false
        }
    }

    static func state(_ s: AlertState) -> Badge { Badge(text: states[s]?.zh ?? s.rawValue, tone: states[s]?.tone ?? "muted") }

    static let categories: [String: String] = [
        "brute_force": "暴力破解", "suspicious_login": "可疑登录", "privilege_escalation": "权限提升", "account_change": "账号变更",
        "log_tampering": "日志篡改", "defense_evasion": "防御规避", "persistence": "持久化", "rootkit": "Rootkit",
        "web_attack": "Web 攻击", "reconnaissance": "侦察扫描", "credential_access": "凭据窃取", "initial_access": "初始访问",
        "lateral_movement": "横向移动", "execution": "恶意执行", "discovery": "信息探测", "impact": "破坏影响",
        "account_compromise": "账号失陷", "other": "其他",
    ]

    static func category(_ c: String) -> String { categories[c].map { "\($0)（\(c)）" } ?? c }

    /// The search that finds the events behind an alert: its grouping values as exact terms
    /// (`src_ip=1.2.3.4,user=root` → `src_ip:1.2.3.4 AND user:root`); nil for ungrouped rules.
    static func query(groupKey: String) -> String? {
        let terms = groupKey.split(separator: ",").compactMap { pair -> String? in
            guard let eq = pair.firstIndex(of: "=") else { return nil }
            let name = pair[..<eq].trimmingCharacters(in: .whitespaces), value = String(pair[pair.index(after: eq)...])
            guard !name.isEmpty, !value.isEmpty else { return nil }
            return QueryText.term(name, value)
        }
        return terms.isEmpty ? nil : terms.joined(separator: " AND ")
    }
}
