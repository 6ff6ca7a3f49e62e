import Foundation
import NIOCore
import NIOPosix
import XCTest

/// A real HTTP/1.1 receiver on 127.0.0.1 for the channel tests: it records every request
/// (method, target with query, headers, body) and answers what the test scripts, optionally
/// after a delay. One request per connection (it answers `Connection: close`), which is all
/// URLSession needs and keeps the parser small.
final class NotifyHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        /// Path and query exactly as sent, e.g. "/robot/send?access_token=t&timestamp=…".
        var target: String
        var headers: [(name: String, value: String)]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var path: String { String(target.prefix { $0 != "?" }) }

        /// Query items, percent-decoded.
        var query: [String: String] {
            var items: [String: String] = [:]
            for item in URLComponents(string: "http://x" + target)?.queryItems ?? [] { items[item.name] = item.value ?? "" }
            return items
        }

        func json() throws -> [String: Any] {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any], "body is not a JSON object")
        }
    }

    struct Response: Sendable {
        var status: Int
        var body: String
        var delay: Duration

        init(status: Int = 200, body: String = "", delay: Duration = .zero) {
            self.status = status
            self.body = body
            self.delay = delay
        }

        static func json(_ body: String, status: Int = 200, delay: Duration = .zero) -> Response {
            Response(status: status, body: body, delay: delay)
        }
    }

    /// Decides the answer to the n-th request (0-based).
    typealias Responder = @Sendable (_ request: Request, _ index: Int) -> Response

    let port: Int
    private let recorder: Recorder
    private let server: Task<Void, Never>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, recorder: Recorder, server: Task<Void, Never>) {
        self.port = port
        self.recorder = recorder
        self.server = server
    }

    static func start(_ responder: @escaping Responder = { _, _ in Response() }) async throws -> NotifyHTTPServer {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let port = try XCTUnwrap(listener.channel.localAddress?.port)
        let recorder = Recorder()
        let server = Task {
            await withDiscardingTaskGroup { group in
                _ = try? await listener.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection, recorder: recorder, responder: responder) }
                    }
                }
            }
        }
        return NotifyHTTPServer(port: port, recorder: recorder, server: server)
    }

    func requests() async -> [Request] { await recorder.requests }

    /// Waits until `count` requests arrived, failing after `timeout`.
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = await recorder.requests
            if seen.count >= count { return seen }
            try await Task.sleep(for: .milliseconds(20))
        }
        let seen = await recorder.requests
        XCTFail("expected \(count) requests on port \(port), got \(seen.count)")
        return seen
    }

    func stop() {
        server.cancel()
    }

    private actor Recorder {
        var requests: [Request] = []
        func record(_ request: Request) -> Int {
            requests.append(request)
            return requests.count - 1
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, recorder: Recorder,
                              responder: Responder) async {
        try? await connection.executeThenClose { inbound, outbound in
            var buffer: [UInt8] = []
            var iterator = inbound.makeAsyncIterator()
            var head: (method: String, target: String, headers: [(name: String, value: String)], bodyStart: Int)?
            var sentContinue = false
            while true {
                if head == nil, let end = find(Array("\r\n\r\n".utf8), in: buffer) {
                    head = try parseHead(Array(buffer[..<end]), bodyStart: end + 4)
                }
                if let parsed = head {
                    let headers = parsed.headers
                    func value(_ name: String) -> String? {
                        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
                    }
                    if !sentContinue, value("Expect")?.lowercased() == "100-continue" {
                        sentContinue = true
                        try await outbound.write(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n"))
                    }
                    let rest = Array(buffer[parsed.bodyStart...])
                    var body: [UInt8]?
                    if value("Transfer-Encoding")?.lowercased() == "chunked" {
                        body = dechunk(rest)
                    } else {
                        let length = Int(value("Content-Length") ?? "0") ?? 0
                        if rest.count >= length { body = Array(rest.prefix(length)) }
                    }
                    if let body {
                        let request = Request(method: parsed.method, target: parsed.target, headers: headers, body: Data(body))
                        let index = await recorder.record(request)
                        let response = responder(request, index)
                        if response.delay > .zero { try await Task.sleep(for: response.delay) }
                        let payload = Array(response.body.utf8)
                        let text = "HTTP/1.1 \(response.status) Scripted\r\nContent-Type: application/json\r\n"
                            + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
                        try await outbound.write(ByteBuffer(bytes: Array(text.utf8) + payload))
                        return
                    }
                }
                guard let chunk = try await iterator.next() else { return }
                buffer.append(contentsOf: chunk.readableBytesView)
            }
        }
    }

    private static func parseHead(_ bytes: [UInt8], bodyStart: Int) throws
        -> (method: String, target: String, headers: [(name: String, value: String)], bodyStart: Int)
    {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { throw URLError(.badServerResponse) }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return (String(requestLine[0]), String(requestLine[1]), headers, bodyStart)
    }

    /// The body of a complete chunked message, nil while chunks are missing.
    private static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var body: [UInt8] = []
        var index = 0
        while let lineEnd = find(Array("\r\n".utf8), in: Array(bytes[index...])).map({ $0 + index }) {
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            let start = lineEnd + 2
            if size == 0 { return body }
            guard bytes.count >= start + size + 2 else { return nil }
            body += bytes[start..<(start + size)]
            index = start + size + 2
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// A TCP listener that accepts and then says nothing: a peer that hangs.
final class NotifySilentServer: Sendable {
    let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start() async throws -> NotifySilentServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        return NotifySilentServer(port: try XCTUnwrap(channel.localAddress?.port), channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// A port on 127.0.0.1 that nothing listens on: bound once to learn a free number, then closed.
func notifyClosedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = try XCTUnwrap(channel.localAddress?.port)
    try await channel.close()
    return port
}
