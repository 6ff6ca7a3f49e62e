import AnyunCore
import Foundation
import LogAudit

/// Stored events as the API returns them. Written by hand: a search page of 500 events is the
/// hottest answer of the log console.
extension StoredEvent: FastJSONEncodable {
    func write(to json: inout JSONBuffer) {
        let e = event
        json.beginObject()
        json.field("id", id)
        json.field("day", day.description)
        json.field("seq", e.seq)
        json.field("time", LogEvent.date(e.time))
        json.field("received", LogEvent.date(e.received))
        json.field("transport", e.transport.rawValue)
        json.optional("source", e.sourceAddress)
        json.optional("facility", e.facility)
        json.optional("severity", e.severity)
        json.optional("host", e.hostname)
        json.optional("app", e.app)
        json.optional("procid", e.procID)
        json.optional("msgid", e.msgID)
        json.field("message", e.message)
        json.key("fields")
        json.beginObject()
        for name in e.fields.keys.sorted() {
            json.key(name)
            json.value(e.fields[name]!)
        }
        json.endObject()
        json.optional("decoder", e.decoder)
        json.key("flags")
        json.beginArray()
        for name in EventFlagNames.names(e.flags) { json.value(name) }
        json.endArray()
        json.optional("unit_id", e.unitID)
        json.optional("system_id", e.systemID)
        json.optional("host_id", e.hostID)
        json.endObject()
    }
}

enum EventFlagNames {
    static let all: [(LogEventFlags, String)] = [
        (.parseError, "parse_error"), (.truncated, "truncated"), (.invalidEncoding, "invalid_encoding"),
        (.convertedFromGBK, "converted_from_gbk"), (.hadNUL, "had_nul"),
    ]

    static func names(_ flags: LogEventFlags) -> [String] {
        all.filter { flags.contains($0.0) }.map(\.1)
    }
}

struct EventListJSON: FastJSONEncodable {
    var page: EventPage

    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in page.items { item.write(to: &json) }
        json.endArray()
        json.field("total", page.total)
        json.key("total_exact")
        json.value(page.totalIsExact)
        json.key("partitions")
        json.beginArray()
        for day in page.partitions { json.value(day.description) }
        json.endArray()
        json.endObject()
    }
}

extension JSONBuffer {
    mutating func optional(_ k: StaticString, _ s: String?) {
        key(k)
        if let s { value(s) } else { null() }
    }

    mutating func optional<I: BinaryInteger>(_ k: StaticString, _ n: I?) {
        key(k)
        if let n { value(n) } else { null() }
    }
}

/// The lines of `GET /api/v1/events/stream` (NDJSON): `{"event": …}` per matching event, newest
/// first; `{"progress": …}` after each batch; `{"done": …}` last.
enum EventStreamJSON {
    static func event(_ event: StoredEvent, into json: inout JSONBuffer) {
        json.beginObject()
        json.key("event")
        event.write(to: &json)
        json.endObject()
        json.newline()
    }

    static func progress(_ progress: ScanProgress, into json: inout JSONBuffer) {
        json.beginObject()
        json.key("progress")
        json.beginObject()
        json.field("buckets_done", progress.bucketsDone)
        json.field("buckets_total", progress.bucketsTotal)
        json.field("days_done", progress.daysDone)
        json.field("days_total", progress.daysTotal)
        json.field("matched", progress.matched)
        json.endObject()
        json.endObject()
        json.newline()
    }

    /// `complete` is false when the stream stopped at the caller's limit.
    static func done(sent: Int, complete: Bool, into json: inout JSONBuffer) {
        json.beginObject()
        json.key("done")
        json.beginObject()
        json.field("sent", sent)
        json.key("complete")
        json.value(complete)
        json.endObject()
        json.endObject()
        json.newline()
    }
}
