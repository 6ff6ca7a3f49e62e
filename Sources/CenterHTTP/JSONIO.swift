import AnyunCore
import Foundation
import Hummingbird

/// Reading and writing JSON bodies with the limits and messages the API promises.
enum JSONIO {
    static let maxBody = 1 << 20

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        response(bytes: try encode(value), status: status)
    }

    static func response(fast value: some FastJSONEncodable, status: HTTPResponse.Status = .ok) -> Response {
        var json = JSONBuffer()
        value.write(to: &json)
        return response(bytes: ByteBuffer(bytes: json.bytes), status: status)
    }

    static func response(bytes: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: bytes))
    }

    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        if let fast = value as? any FastJSONEncodable {
            var json = JSONBuffer()
            fast.write(to: &json)
            return ByteBuffer(bytes: json.bytes)
        }
        return ByteBuffer(bytes: try encoder().encode(value))
    }

    /// The body, refused with 415 unless it is JSON and with 413 when over 1 MiB.
    static func body(_ request: Request, limit: Int = maxBody, contentType expected: String = "application/json") async throws -> [UInt8] {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == expected else {
            throw Problem(.unsupportedMediaType, "Unsupported Media Type",
                          detail: "Content-Type 应为 \(expected)，收到 \(type ?? "无") (expected \(expected))",
                          invalidParams: [.init(name: "Content-Type", reason: "expected \(expected)", line: nil)])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge(limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw tooLarge(limit)
        }
    }

    static func tooLarge(_ limit: Int) -> Problem {
        Problem(.contentTooLarge, "Content Too Large", detail: "请求体超过 \(limit / 1024) KiB (body over \(limit) bytes)",
                invalidParams: [.init(name: "body", reason: "larger than \(limit) bytes", line: nil)])
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try decode(type, bytes: try await body(request))
    }

    static func decode<T: Decodable>(_ type: T.Type, bytes: [UInt8]) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw problem(error)
        }
    }

    /// A decoding failure names the JSON path and what was wrong there.
    static func problem(_ error: DecodingError) -> Problem {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        let (name, reason): (String, String) = switch error {
        case .typeMismatch(let t, let c): (path(c.codingPath), "类型错误，应为 \(t) (wrong type)")
        case .valueNotFound(let t, let c): (path(c.codingPath), "缺少值，应为 \(t) (missing value)")
        case .keyNotFound(let k, let c): (path(c.codingPath + [k]), "缺少字段 (missing field)")
        case .dataCorrupted(let c): (c.codingPath.isEmpty ? "body" : path(c.codingPath),
                                     c.codingPath.isEmpty ? "不是合法的 JSON (malformed JSON)" : c.debugDescription)
        @unknown default: ("body", "无法解析 (cannot decode)")
        }
        return Problem(.badRequest, "Bad Request", detail: "\(name): \(reason)", invalidParams: [.init(name: name, reason: reason, line: nil)])
    }

    /// The expected version of a row being replaced: from `If-Match` or the body's `version`.
    static func version(_ request: Request, bytes: [UInt8]) throws -> Int {
        if let tag = request.headers[.ifMatch] {
            let digits = tag.trimmingCharacters(in: CharacterSet(charactersIn: "W/\" "))
            if let v = Int(digits) { return v }
        }
        struct Versioned: Decodable { var version: Int? }
        if let v = try decode(Versioned.self, bytes: bytes).version { return v }
        throw Problem(.preconditionRequired, "Precondition Required",
                      detail: "需要提供当前版本号 version 或 If-Match 头，以免覆盖他人的修改 (version required)",
                      invalidParams: [.init(name: "version", reason: "required for updates", line: nil)])
    }
}

extension Request {
    func int(_ name: String) throws -> Int? {
        guard let raw = uri.queryParameters[name[...]].map(String.init), !raw.isEmpty else { return nil }
        guard let v = Int(raw) else {
            throw Problem(.badRequest, "Bad Request", detail: "\(name): 应为整数 (must be an integer)",
                          invalidParams: [.init(name: name, reason: "must be an integer", line: nil)])
        }
        return v
    }

    func int64(_ name: String) throws -> Int64? { try int(name).map(Int64.init) }

    /// A form-encoded query parameter as browsers and curl send it: `+` is a space, `%2B` a plus.
    func formValue(_ name: String) -> String? {
        guard let query = uri.query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first.map(String.init)?.removingPercentEncoding == name else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
            return value.isEmpty ? nil : value
        }
        return nil
    }

    func string(_ name: String) -> String? {
        guard let raw = uri.queryParameters[name[...]].map(String.init), !raw.isEmpty else { return nil }
        return raw
    }

    var page: PageRequest {
        get throws { PageRequest(offset: try int("offset") ?? 0, limit: try int("limit") ?? 50) }
    }
}

extension Parameters {
    func id(_ name: String = "id") throws -> Int64 {
        guard let raw = get(name), let v = Int64(raw), v > 0 else {
            throw Problem(.badRequest, "Bad Request", detail: "\(name): 应为正整数 (must be a positive integer)",
                          invalidParams: [.init(name: name, reason: "must be a positive integer", line: nil)])
        }
        return v
    }
}
