import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs JSON for the HTTP channels and turns every way it can go wrong into a
/// `NotificationError` that names the host and path but never the query, where robot tokens live.
struct HTTPPoster: Sendable {
    let channel: String
    let timeout: TimeInterval
    private let session: URLSession

    init(channel: String, timeout: TimeInterval) {
        self.channel = channel
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        self.session = URLSession(configuration: configuration)
    }

    struct Response: Sendable {
        var status: Int
        var body: Data
    }

    /// Sends `body` and returns the 2xx response; any other status throws naming it.
    func post(_ url: URL, body: Data, headers: [String: String] = [:]) async throws -> Response {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue("anyun-notify/1", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            throw Self.describe(error, channel: channel, url: url, timeout: timeout)
        } catch is CancellationError {
            throw NotificationError(.transport, "\(channel): POST \(Self.redacted(url)) cancelled", retryable: false)
        } catch let error as NSError where error.domain == NSURLErrorDomain {
            // Linux's Foundation may hand back the NSError without bridging it to URLError.
            #if canImport(FoundationNetworking)
            let code = URLError.Code(rawValue: error.code) ?? .unknown
            #else
            let code = URLError.Code(rawValue: error.code)
            #endif
            throw Self.describe(URLError(code), channel: channel, url: url, timeout: timeout)
        } catch {
            throw NotificationError(.transport, "\(channel): POST \(Self.redacted(url)) failed: \(type(of: error))", retryable: true)
        }
        guard let http = response as? HTTPURLResponse else {
            throw NotificationError(.transport, "\(channel): POST \(Self.redacted(url)) got no HTTP response", retryable: true)
        }
        guard (200..<300).contains(http.statusCode) else {
            // 408/429 and 5xx are the receiver's passing trouble; other 4xx mean the request is wrong.
            let retryable = http.statusCode >= 500 || http.statusCode == 408 || http.statusCode == 429
            throw NotificationError(
                .httpStatus,
                "\(channel): POST \(Self.redacted(url)) answered HTTP \(http.statusCode)\(Self.snippet(data))",
                retryable: retryable, code: http.statusCode)
        }
        return Response(status: http.statusCode, body: data)
    }

    /// scheme://host[:port]/path — the query and any user:password are left out.
    static func redacted(_ url: URL) -> String {
        var parts = URLComponents()
        parts.scheme = url.scheme
        parts.host = url.host
        parts.port = url.port
        parts.path = url.path
        return parts.string ?? "<url>"
    }

    /// The start of a response body for an error message, on one line.
    static func snippet(_ data: Data, limit: Int = 200) -> String {
        guard !data.isEmpty else { return "" }
        let text = String(decoding: data.prefix(limit), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        return ": \(text)\(data.count > limit ? "…" : "")"
    }

    private static func describe(_ error: URLError, channel: String, url: URL, timeout: TimeInterval) -> NotificationError {
        let target = "\(channel): POST \(redacted(url))"
        switch error.code {
        case .timedOut:
            return NotificationError(.timeout, "\(target) timed out after \(timeout)s", retryable: true)
        case .cannotConnectToHost:
            return NotificationError(.transport, "\(target) failed: connection refused", retryable: true)
        case .cannotFindHost, .dnsLookupFailed:
            return NotificationError(.transport, "\(target) failed: host not found", retryable: true)
        case .networkConnectionLost, .notConnectedToInternet:
            return NotificationError(.transport, "\(target) failed: connection lost", retryable: true)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return NotificationError(.tls, "\(target) failed: TLS error (URLError \(error.code.rawValue))", retryable: false)
        case .cancelled:
            return NotificationError(.transport, "\(target) cancelled", retryable: false)
        default:
            return NotificationError(.transport, "\(target) failed: URLError \(error.code.rawValue)", retryable: true)
        }
    }
}
