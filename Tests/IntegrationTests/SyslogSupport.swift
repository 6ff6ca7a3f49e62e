import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Blocking loopback sockets for the log-ingest tests: the sender side of syslog.
enum SyslogSocket {
    /// The syslog port the server's banner announces (`syslog TCP: 127.0.0.1:PORT`).
    static func port(_ kind: String, in log: String) throws -> UInt16 {
        guard let range = log.range(of: "syslog \(kind): 127\\.0\\.0\\.1:(\\d+)", options: .regularExpression),
              let port = UInt16(log[range].split(separator: ":").last ?? "") else {
            throw XCTSkip("the server did not announce a syslog \(kind) port:\n\(log)")
        }
        return port
    }

    static func connectTCP(_ port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXFailure("socket", errno) }
        var address = loopback(port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw POSIXFailure("connect", code)
        }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw POSIXFailure("write", errno) }
            offset += n
        }
    }

    static func sendUDP(_ port: UInt16, _ bytes: [UInt8]) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port)
        let n = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard n == bytes.count else { throw POSIXFailure("sendto", errno) }
    }

    /// Whether the peer closes the connection within `seconds` (whatever it sends first, such as
    /// a TLS alert, is read and dropped).
    static func isClosedByPeer(_ fd: Int32, waiting seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 512)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { return false }
            if read(fd, &buffer, buffer.count) <= 0 { return true }
        }
        return false
    }

    /// Lifts this process's open-file limit so a test can hold a thousand sockets.
    static func raiseFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    struct POSIXFailure: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        init(_ call: String, _ code: Int32) { self.call = call; self.code = code }
        var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
    }

    /// An RFC 5424 line at the current time.
    static func rfc5424(host: String, app: String, _ message: String, severity: Int = 6) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return "<\(32 + severity)>1 \(formatter.string(from: Date())) \(host) \(app) 1234 - - \(message)"
    }

    static func octetFramed(_ line: String) -> [UInt8] {
        let bytes = Array(line.utf8)
        return Array("\(bytes.count) ".utf8) + bytes
    }
}

extension HTTP {
    /// Polls a search until it reports at least `count` events (ingest is asynchronous to the sender).
    func waitForEvents(_ query: String, atLeast count: Int, timeout: TimeInterval = 30) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        while Date() < deadline {
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
            let reply = try await send("GET", "/api/v1/events?limit=500&q=\(encoded)")
            last = reply.json as? [String: Any] ?? ["error": reply.text]
            if let total = last["total"] as? Int, total >= count { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        XCTFail("search \(query) did not reach \(count) events: \(last)")
        return last
    }
}
