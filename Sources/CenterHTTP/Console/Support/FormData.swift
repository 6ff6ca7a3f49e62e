import AnyunCore
import Foundation
import Hummingbird

/// Fields of an `application/x-www-form-urlencoded` body or of a query string. Browsers send
/// spaces as `+`, which Hummingbird's query parser leaves alone, so both go through here.
struct FormData: Sendable {
    private var fields: [(name: String, value: String)] = []

    init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(kv[0])
            guard !name.isEmpty else { continue }
            fields.append((name, kv.count == 2 ? Self.decode(kv[1]) : ""))
        }
    }

    private static func decode(_ raw: Substring) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value, trimmed; nil when absent or blank, so an empty filter means no filter.
    subscript(_ name: String) -> String? {
        guard let raw = fields.first(where: { $0.name == name })?.value else { return nil }
        let trimmed = raw.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The first value exactly as sent (passwords keep their spaces).
    func raw(_ name: String) -> String? { fields.first(where: { $0.name == name })?.value }

    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    func has(_ name: String) -> Bool { fields.contains { $0.name == name } }

    func int(_ name: String, label: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw ConsoleError.badRequest("「\(label)」应为整数 (\(name) must be an integer)") }
        return value
    }

    func int64(_ name: String, label: String) throws -> Int64? { try int(name, label: label).map(Int64.init) }

    func ids(_ name: String, label: String) throws -> [Int64] {
        try all(name).map { text in
            guard let id = Int64(text.trimmingWhitespace()), id > 0 else {
                throw ConsoleError.badRequest("「\(label)」应为正整数 (\(name) must hold positive integers)")
            }
            return id
        }
    }

    /// The row version a change form was rendered with: the service refuses the change if
    /// someone else saved in between, instead of silently overwriting their edit.
    func version() throws -> Int {
        guard let version = try int("version", label: "版本") else {
            throw ConsoleError.badRequest("缺少版本号，请刷新页面后重试 (version required)")
        }
        return version
    }

    /// The page a list shows: `offset` from the query, a fixed page size.
    func page(size: Int = 50) throws -> PageRequest {
        PageRequest(offset: try int("offset", label: "偏移") ?? 0, limit: size)
    }
}

extension FormData {
    static let maxBody = 64 * 1024

    /// The query string of a page request.
    static func query(_ request: Request) -> FormData { FormData(encoded: request.uri.query ?? "") }

    /// A posted form, after checking that it carries the session's CSRF token.
    static func posted(_ request: Request, context: AppContext) async throws -> FormData {
        let form = try await read(request)
        guard CSRF.isValid(form.raw(CSRF.fieldName), session: context.credential) else { throw ConsoleError.csrf }
        return form
    }

    /// A posted form without a CSRF check: only for the login form, before there is a session to bind a token to.
    static func read(_ request: Request) async throws -> FormData {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw ConsoleError.badRequest("表单编码不正确 (expected application/x-www-form-urlencoded)")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBody) } catch {
            throw ConsoleError.badRequest("表单内容过长 (form over \(maxBody / 1024) KiB)")
        }
        return FormData(encoded: String(decoding: buffer.readableBytesView, as: UTF8.self))
    }
}

/// Builds the query part of console links, keeping only the parameters that are set.
struct QueryString {
    private var items: [(String, String)] = []

    init(_ items: [(String, String?)] = []) {
        for (name, value) in items { set(name, value) }
    }

    mutating func set(_ name: String, _ value: String?) {
        items.removeAll { $0.0 == name }
        if let value, !value.isEmpty { items.append((name, value)) }
    }

    func setting(_ name: String, _ value: String?) -> QueryString {
        var copy = self
        copy.set(name, value)
        return copy
    }

    /// `?a=1&b=2`, or "" when empty.
    var text: String {
        items.isEmpty ? "" : "?" + items.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
}
