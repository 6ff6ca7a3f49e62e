import AnyunCore
import Center
import Foundation

/// The body of `POST /api/v1/events`: `{"events": [{"message": …, "time": …, "host": …, …}]}`.
struct IngestBatch: Decodable {
    var events: [Item]

    struct Item: Decodable {
        var time: TimeValue?
        var host: String?
        var app: String?
        var severity: Int?
        var facility: Int?
        var procid: String?
        var msgid: String?
        var message: String?
        var source: String?
        var fields: [String: FieldValue]?
    }

    /// RFC 3339 text or Unix milliseconds.
    struct TimeValue: Decodable {
        var microseconds: Int64?
        var text: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let millis = try? container.decode(Int64.self) {
                microseconds = millis * 1000
            } else {
                text = try container.decode(String.self)
            }
        }
    }

    /// Field values may be strings, numbers or booleans; they are stored as text.
    struct FieldValue: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let s = try? container.decode(String.self) { text = s }
            else if let i = try? container.decode(Int64.self) { text = String(i) }
            else if let d = try? container.decode(Double.self) { text = String(d) }
            else if let b = try? container.decode(Bool.self) { text = b ? "true" : "false" }
            else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a field value must be a string, number or boolean")
            }
        }
    }

    static let maxMessageBytes = 64 * 1024
    static let maxFields = 64

    /// Validated events, or every problem named by its index (`events[3].message`).
    func events(sender: String, limit: Int, now: Int64 = LogEvent.microseconds(Date())) throws -> [LogEvent] {
        guard !events.isEmpty else { throw CenterError.validation([FieldError("events", "不能为空 (must not be empty)")]) }
        guard events.count <= limit else {
            throw CenterError.validation([FieldError("events", "一次最多 \(limit) 条 (at most \(limit) per batch)")])
        }
        var errors: [FieldError] = []
        var out: [LogEvent] = []
        out.reserveCapacity(events.count)
        let zoned = ISO8601DateFormatter()
        zoned.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        for (index, item) in events.enumerated() {
            let at = "events[\(index)]"
            guard let message = item.message, !message.isEmpty else {
                errors.append(FieldError("\(at).message", "必填 (required)"))
                continue
            }
            if message.utf8.count > Self.maxMessageBytes {
                errors.append(FieldError("\(at).message", "超过 \(Self.maxMessageBytes) 字节 (longer than \(Self.maxMessageBytes) bytes)"))
            }
            if let severity = item.severity, !(0...7).contains(severity) {
                errors.append(FieldError("\(at).severity", "应为 0–7 (syslog severity 0–7)"))
            }
            if let facility = item.facility, !(0...23).contains(facility) {
                errors.append(FieldError("\(at).facility", "应为 0–23 (syslog facility 0–23)"))
            }
            if let fields = item.fields, fields.count > Self.maxFields {
                errors.append(FieldError("\(at).fields", "最多 \(Self.maxFields) 个字段 (at most \(Self.maxFields) fields)"))
            }
            var time = now
            if let value = item.time {
                if let micros = value.microseconds {
                    time = micros
                } else if let text = value.text, let date = zoned.date(from: text) ?? plain.date(from: text) {
                    time = LogEvent.microseconds(date)
                } else {
                    errors.append(FieldError("\(at).time", "应为 RFC 3339 时间或毫秒时间戳 (RFC 3339 or Unix ms)"))
                }
            }
            let source = item.source.flatMap { IPAddress($0)?.text } ?? sender
            if item.source != nil, IPAddress(item.source!) == nil {
                errors.append(FieldError("\(at).source", "不是合法的 IP 地址 (not an IP address)"))
            }
            out.append(LogEvent(time: time, received: now, transport: .api, sourceAddress: source, facility: item.facility,
                                severity: item.severity, hostname: item.host, app: item.app, procID: item.procid,
                                msgID: item.msgid, message: message,
                                fields: (item.fields ?? [:]).mapValues(\.text)))
        }
        guard errors.isEmpty else { throw CenterError.validation(errors) }
        return out
    }
}
