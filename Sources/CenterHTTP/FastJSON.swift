import AnyunCore
import Foundation

/// A JSON writer for the few answers on hot paths (host, system and unit listings).
/// Foundation's JSONEncoder spent a third of the CPU of a paged host listing (measured with
/// perf under Benchmarks/api.sh); these types write themselves straight into bytes instead.
/// Output is the same JSON JSONEncoder produces for them (tests decode both and compare).
protocol FastJSONEncodable {
    func write(to json: inout JSONBuffer)
}

struct JSONBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    private var needsComma = false

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    /// Ends one line of a JSON-lines stream; the next value starts a new document.
    mutating func newline() { bytes.append(UInt8(ascii: "\n")); needsComma = false }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    mutating func key(_ k: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    /// A key that is data (a decoded field's name), escaped like a value.
    mutating func key(_ k: String) {
        value(k)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    mutating func value(_ s: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 0xf)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func value<I: BinaryInteger>(_ n: I) {
        separate()
        bytes.append(contentsOf: String(n).utf8)
        needsComma = true
    }

    mutating func value(_ b: Bool) {
        separate()
        bytes.append(contentsOf: (b ? "true" : "false").utf8)
        needsComma = true
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, as JSONEncoder's `.iso8601` strategy writes it.
    mutating func value(_ date: Date) {
        separate()
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rest = seconds - days * 86400
        let day = Day(ordinal: days)
        bytes.append(UInt8(ascii: "\""))
        digits(day.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(day.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day.day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(rest / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(rest / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(rest % 60, 2)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
        needsComma = true
    }

    /// A non-negative number in exactly `width` digits, zero-padded.
    private mutating func digits(_ n: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = n
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    mutating func field(_ k: StaticString, _ s: String) { key(k); value(s) }
    mutating func field<I: BinaryInteger>(_ k: StaticString, _ n: I) { key(k); value(n) }
    mutating func field(_ k: StaticString, _ d: Date) { key(k); value(d) }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}

extension Page: FastJSONEncodable where Item: FastJSONEncodable {
    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in items { item.write(to: &json) }
        json.endArray()
        json.field("total", total)
        json.endObject()
    }
}

extension CloudHost: FastJSONEncodable {
    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.field("id", id)
        json.field("unitID", unitID)
        json.field("systemID", systemID)
        json.field("hostname", hostname)
        json.key("ips")
        json.beginArray()
        for ip in ips { json.value(ip) }
        json.endArray()
        json.field("os", os)
        json.field("platform", platform)
        json.field("securityDomain", securityDomain)
        json.field("state", state.rawValue)
        json.field("version", version)
        json.field("createdAt", createdAt)
        json.field("updatedAt", updatedAt)
        json.endObject()
    }
}

extension BusinessSystem: FastJSONEncodable {
    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.field("id", id)
        json.field("unitID", unitID)
        json.field("name", name)
        json.field("level", level)
        json.field("filingNumber", filingNumber)
        json.field("securityDomain", securityDomain)
        json.field("owner", owner)
        json.field("ownerPhone", ownerPhone)
        json.field("version", version)
        json.field("createdAt", createdAt)
        json.field("updatedAt", updatedAt)
        json.endObject()
    }
}

extension GovUnit: FastJSONEncodable {
    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.field("id", id)
        json.field("name", name)
        json.field("creditCode", creditCode)
        json.field("contactName", contactName)
        json.field("contactPhone", contactPhone)
        json.field("contactEmail", contactEmail)
        json.field("version", version)
        json.field("createdAt", createdAt)
        json.field("updatedAt", updatedAt)
        json.endObject()
    }
}
