import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Replays a pool over TCP or UDP from one thread per connection, with blocking sockets.
///
/// TCP: many frames per `send`, as fast as the receiver reads; when it stops reading, TCP's
/// window closes and the writer simply blocks, so nothing is ever dropped by the sender. UDP: one
/// datagram per message; whatever the receiver cannot take is lost there, which is the point of
/// the UDP mode (counting drops).
struct SyslogSender {
    enum Transport: String { case tcp, udp }

    struct Outcome {
        var messages: Int
        var payloadBytes: Int
        var wireBytes: Int
        var seconds: Double
        /// Wall-clock start of sending, seconds since the epoch, for scripts timing the receiver.
        var startedAt: Double
        var errors: [String]
    }

    struct SocketError: Error, CustomStringConvertible {
        let description: String
        /// `what` with the text of `errno`.
        init(_ what: String, _ code: Int32 = errno) { description = "\(what): \(String(cString: strerror(code)))" }
        init(message: String) { description = message }
    }

    let host: String
    let port: Int
    let transport: Transport
    let connections: Int
    /// Messages per second over all connections, nil for as fast as possible.
    let rate: Double?
    /// Frames handed to one `send` call when not pacing (about 400 KB of lines).
    var framesPerWrite = 2_000

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func send(count: Int, pool: SyslogPool) throws -> Outcome {
        signal(SIGPIPE, SIG_IGN)
        // Connect everything first so connection setup is not part of the measured time.
        var sockets: [Int32] = []
        do {
            for _ in 0..<connections { sockets.append(try openSocket()) }
        } catch {
            for fd in sockets { close(fd) }
            throw error
        }
        let results = Mutex<[WorkerResult]>([])
        let done = DispatchGroup()
        let clock = ContinuousClock()
        let startedAt = Date().timeIntervalSince1970
        let start = clock.now
        for (index, fd) in sockets.enumerated() {
            let share = count / connections + (index < count % connections ? 1 : 0)
            let first = index * pool.count / connections
            let worker = Worker(fd: fd, pool: pool, first: first, count: share, transport: transport,
                                rate: rate.map { $0 / Double(connections) }, framesPerWrite: framesPerWrite)
            done.enter()
            Thread {
                let result = worker.run()
                results.withLock { $0.append(result) }
                done.leave()
            }.start()
        }
        done.wait()
        let elapsed = start.duration(to: clock.now)
        let all = results.withLock { $0 }
        return Outcome(messages: all.reduce(0) { $0 + $1.messages }, payloadBytes: all.reduce(0) { $0 + $1.payloadBytes },
                       wireBytes: all.reduce(0) { $0 + $1.wireBytes },
                       seconds: Self.seconds(elapsed),
                       startedAt: startedAt, errors: all.compactMap(\.error))
    }

    private func openSocket() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(transport == .tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue)
        #else
        hints.ai_socktype = transport == .tcp ? SOCK_STREAM : SOCK_DGRAM
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError(message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw SocketError("socket") }
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let error = SocketError("connect to \(host):\(port) (\(transport.rawValue))")
            close(fd)
            throw error
        }
        return fd
    }
}

/// `send` flags: a peer that closes must be an error to report, not a SIGPIPE that kills us.
#if canImport(Glibc)
private let noSignal = Int32(MSG_NOSIGNAL)
#else
private let noSignal: Int32 = 0
#endif

private struct WorkerResult: Sendable {
    var messages = 0
    var payloadBytes = 0
    var wireBytes = 0
    var error: String?
}

/// One connection's share: `count` messages from pool index `first` on, wrapping around.
private struct Worker: Sendable {
    let fd: Int32
    let pool: SyslogPool
    let first: Int
    let count: Int
    let transport: SyslogSender.Transport
    let rate: Double?
    let framesPerWrite: Int

    func run() -> WorkerResult {
        defer {
            if transport == .tcp { shutdown(fd, Int32(SHUT_WR)) }
            close(fd)
        }
        var result = WorkerResult()
        let clock = ContinuousClock()
        let start = clock.now
        // When pacing, write about every 10 ms so the rate is smooth, not bursts of 400 KB.
        let chunk = rate.map { max(1, min(framesPerWrite, Int($0 / 100))) } ?? framesPerWrite
        var index = first % pool.count
        var left = count
        pool.bytes.withUnsafeBytes { buffer in
            let base = buffer.baseAddress!
            while left > 0 {
                let n = min(left, chunk, pool.count - index)
                do {
                    switch transport {
                    case .tcp:
                        let from = pool.frameStart(index)
                        let to = pool.frameEnds[index + n - 1]
                        try writeAll(base + from, to - from)
                        result.wireBytes += to - from
                    case .udp:
                        for i in index..<index + n {
                            let length = pool.messageEnds[i] - pool.messageStarts[i]
                            try sendDatagram(base + pool.messageStarts[i], length)
                            result.wireBytes += length
                        }
                    }
                } catch {
                    result.error = "\(error)"
                    return
                }
                for i in index..<index + n { result.payloadBytes += pool.messageEnds[i] - pool.messageStarts[i] }
                result.messages += n
                left -= n
                index = (index + n) % pool.count
                if let rate {
                    let ahead = clock.now.duration(to: start.advanced(by: .seconds(Double(result.messages) / rate)))
                    if ahead > .zero { Thread.sleep(forTimeInterval: SyslogSender.seconds(ahead)) }
                }
            }
        }
        return result
    }

    private func writeAll(_ pointer: UnsafeRawPointer, _ length: Int) throws {
        var offset = 0
        while offset < length {
            let written = send(fd, pointer + offset, length - offset, noSignal)
            if written < 0 {
                if errno == EINTR { continue }
                throw SyslogSender.SocketError("send")
            }
            offset += written
        }
    }

    private func sendDatagram(_ pointer: UnsafeRawPointer, _ length: Int) throws {
        while send(fd, pointer, length, noSignal) < 0 {
            // ENOBUFS: the local interface queue is full for a moment; the datagram was not sent.
            if errno == EINTR || errno == ENOBUFS { continue }
            throw SyslogSender.SocketError("send (udp)")
        }
    }
}
