import AnyunCore
import AnyunStore
import Center
import Detection
import Foundation
import LogAudit
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem document: every 4xx and 5xx the API sends, with the fields at fault.
public struct Problem: Error, HTTPResponseError, Encodable, Sendable {
    public struct InvalidParam: Encodable, Sendable, Equatable {
        public var name: String
        public var reason: String
        public var line: Int?
    }

    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var invalidParams: [InvalidParam]
    public var extraHeaders: HTTPFields = [:]

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail
        case invalidParams = "invalid_params"
    }

    public init(_ status: HTTPResponse.Status, _ title: String, detail: String, invalidParams: [InvalidParam] = []) {
        self.status = status
        self.title = title
        self.detail = detail
        self.invalidParams = invalidParams
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("about:blank", forKey: .type)
        try c.encode(title, forKey: .title)
        try c.encode(Int(status.code), forKey: .status)
        try c.encode(detail, forKey: .detail)
        if !invalidParams.isEmpty { try c.encode(invalidParams, forKey: .invalidParams) }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var headers = extraHeaders
        headers[.contentType] = "application/problem+json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(self))))
    }

    static func field(_ status: HTTPResponse.Status, _ title: String, _ errors: [FieldError]) -> Problem {
        Problem(status, title, detail: errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "),
                invalidParams: errors.map { InvalidParam(name: $0.field, reason: $0.reason, line: nil) })
    }

    static func unauthorized(_ detail: String) -> Problem {
        var p = Problem(.unauthorized, "Unauthorized", detail: detail)
        p.extraHeaders[.wwwAuthenticate] = "Bearer realm=\"anyun\""
        return p
    }

    /// The one place errors become HTTP: the centre's errors keep their meaning, anything
    /// unexpected is a 500 whose detail leaks nothing.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let p as Problem: return p
        case let e as CenterError: return from(e)
        case let e as HTTPError: return Problem(e.status, e.status.reasonPhrase, detail: e.body ?? e.status.reasonPhrase)
        case let e as AlertStoreError:
            switch e {
            case .notFound: return Problem(.notFound, "Not Found", detail: "不存在或无权访问 (not found): \(e)")
            case .invalidTransition: return Problem(.conflict, "Conflict", detail: "告警状态不允许此操作 (\(e))")
            }
        case let e as LogStoreError:
            return Problem(.serviceUnavailable, "Service Unavailable", detail: "日志存储不可用 (log store unavailable): \(e)")
        default: return Problem(.internalServerError, "Internal Server Error", detail: "服务器内部错误 (internal error)")
        }
    }

    static func from(_ e: CenterError) -> Problem {
        switch e {
        case .validation(let errors): return field(.unprocessableContent, "Invalid input", errors)
        case .importRejected(let rows):
            return Problem(.unprocessableContent, "Import rejected",
                           detail: "导入被拒绝，共 \(rows.count) 处错误，未写入任何数据 (import rejected, nothing was written)",
                           invalidParams: rows.map { InvalidParam(name: $0.field, reason: $0.reason, line: $0.line) })
        case .notFound(let what): return Problem(.notFound, "Not Found", detail: "不存在或无权访问 (not found): \(what)")
        case .conflict(let f): return field(.conflict, "Conflict", [f])
        case .versionConflict(let entity, let expected, let current):
            return field(.conflict, "Version conflict", [FieldError("version",
                "\(entity) 已被他人修改（你的版本 \(expected)，当前版本 \(current)），请刷新后重试 (changed by someone else)")])
        case .unauthorized(let why): return unauthorized(why)
        case .forbidden(let why): return Problem(.forbidden, "Forbidden", detail: why)
        case .locked(let until):
            var p = Problem(HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), "Account locked", detail: "账号已锁定，请于 \(ISO8601DateFormatter().string(from: until)) 后重试 (account locked)")
            p.extraHeaders[HTTPField.Name("Retry-After")!] = String(max(1, Int(until.timeIntervalSinceNow.rounded(.up))))
            return p
        case .immutable(let why): return Problem(.conflict, "Immutable", detail: why)
        case .internalFailure: return Problem(.internalServerError, "Internal Server Error", detail: "服务器内部错误 (internal error)")
        }
    }
}

/// Turns every error into a problem+json response and logs the unexpected ones.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
