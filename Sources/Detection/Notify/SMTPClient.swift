import Foundation
import Synchronization
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP submission client on SwiftNIO: EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL/RCPT/DATA,
/// QUIT, with a deadline on every step. It sends mail to one relay; it is not an MTA (no MX
/// lookup, no queue — the dispatcher retries).
public struct SMTPClient: Sendable {
    public enum Security: String, Sendable, Codable {
        /// Plain text throughout.
        case none
        /// STARTTLS when the server offers it, plain text otherwise.
        case startTLSIfOffered = "starttls_if_offered"
        /// STARTTLS, and fail when the server does not offer it.
        case startTLS = "starttls"
        /// TLS from the first byte (port 465, "SMTPS").
        case implicitTLS = "tls"
    }

    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var security: Security
        /// PEM file of the CAs to trust instead of the system's.
        public var trustRootsFile: String?
        /// Off only by explicit configuration, for a lab relay with a self-signed certificate.
        public var verifyCertificate: Bool
        public var username: String?
        public var password: String?
        /// The name we give in EHLO.
        public var heloName: String
        /// Each step (connect, a command and its reply, the message) must finish within this.
        public var timeout: TimeAmount
        /// AUTH over an unencrypted connection is refused unless the relay is on this machine or
        /// this is set: the password would cross the network in the clear.
        public var allowInsecureAuth: Bool

        public init(host: String, port: Int = 587, security: Security = .startTLSIfOffered, trustRootsFile: String? = nil,
                    verifyCertificate: Bool = true, username: String? = nil, password: String? = nil,
                    heloName: String? = nil, timeout: TimeAmount = .seconds(30), allowInsecureAuth: Bool = false) {
            self.host = host
            self.port = port
            self.security = security
            self.trustRootsFile = trustRootsFile
            self.verifyCertificate = verifyCertificate
            self.username = username
            self.password = password
            self.heloName = heloName ?? Self.defaultHeloName()
            self.timeout = timeout
            self.allowInsecureAuth = allowInsecureAuth
        }

        static func defaultHeloName() -> String {
            let name = ProcessInfo.processInfo.hostName
            let usable = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789.-".unicodeScalars.contains($0)) }
            return usable ? name : "[127.0.0.1]"
        }
    }

    /// What happened to one message.
    public struct Report: Sendable, Equatable {
        public var accepted: [String]
        /// Recipients the server refused, each with its reply.
        public var rejected: [Rejection]
        public var usedTLS: Bool
        /// "PLAIN" or "LOGIN" when we authenticated.
        public var authMechanism: String?
        /// The server's answer to the end of DATA (often carries its queue id).
        public var finalReply: SMTPReply?

        public struct Rejection: Sendable, Equatable {
            public var recipient: String
            public var reply: SMTPReply
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Sends `message` (headers and body; line ends are normalized and lines starting with '.'
    /// are stuffed here) from `from` to every address in `recipients`. Throws when nothing was
    /// sent; recipients refused while others were accepted come back in `Report.rejected`.
    public func send(from: String, to recipients: [String], message: String) async throws -> Report {
        for address in [from] + recipients {
            if let problem = SMTPMessage.validateAddress(address) {
                throw NotificationError(.configuration, "SMTP: \(problem)", retryable: false)
            }
        }
        guard !recipients.isEmpty else { throw NotificationError(.configuration, "SMTP: no recipients", retryable: false) }
        let sslContext = try makeSSLContext()
        let channel = try await connect(sslContext: sslContext)
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var session = SMTPSession(configuration: configuration, channel: channel.channel, sslContext: sslContext,
                                          inbound: inbound.makeAsyncIterator(), outbound: outbound)
                return try await session.run(from: from, recipients: recipients, message: message)
            }
        } catch let error as NotificationError {
            throw error
        } catch {
            throw Self.describe(error, host: configuration.host)
        }
    }

    private var endpoint: String { "\(configuration.host):\(configuration.port)" }

    private func makeSSLContext() throws -> NIOSSLContext? {
        guard configuration.security != .none else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let file = configuration.trustRootsFile { tls.trustRoots = .file(file) }
        if !configuration.verifyCertificate { tls.certificateVerification = .none }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw NotificationError(.configuration, "SMTP: cannot set up TLS (trust roots \(configuration.trustRootsFile ?? "system")): \(error)",
                                    retryable: false)
        }
    }

    private func connect(sslContext: NIOSSLContext?) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let implicitTLS = configuration.security == .implicitTLS
        let serverName = Self.serverName(configuration.host)
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(configuration.timeout)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let sslContext {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout {
            throw NotificationError(.timeout, "SMTP: connecting to \(endpoint) timed out", retryable: true)
        } catch {
            throw NotificationError(.transport, "SMTP: cannot connect to \(endpoint): \(error)", retryable: true)
        }
    }

    /// The SNI / certificate name: the host unless it is an IP literal, which NIOSSL then checks
    /// against the certificate's IP addresses instead.
    static func serverName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// Credentials go only inside TLS, to a relay on this machine (judged by the address we are
    /// actually connected to, not the name), or where the operator explicitly allowed it.
    static func mayAuthenticate(usedTLS: Bool, allowInsecureAuth: Bool, peer: SocketAddress?) -> Bool {
        if usedTLS || allowInsecureAuth { return true }
        guard let ip = peer?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.lowercased().hasPrefix("::ffff:127.")
    }

    static func describe(_ error: any Error, host: String) -> NotificationError {
        switch error {
        case let error as SMTPProtocolError:
            return NotificationError(.transport, "SMTP: \(host) broke the protocol: \(error)", retryable: true)
        case let error as NIOSSLError:
            return NotificationError(.tls, "SMTP: TLS with \(host) failed: \(error)", retryable: false)
        case let error as BoringSSLError:
            return NotificationError(.tls, "SMTP: TLS with \(host) failed: \(error)", retryable: false)
        case is CancellationError:
            return NotificationError(.transport, "SMTP: cancelled", retryable: false)
        default:
            return NotificationError(.transport, "SMTP: connection to \(host) failed: \(error)", retryable: true)
        }
    }
}

/// One conversation with the server. Lives inside `executeThenClose`, so the channel is closed
/// however it ends.
private struct SMTPSession {
    let configuration: SMTPClient.Configuration
    let channel: any Channel
    let sslContext: NIOSSLContext?
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var parser = SMTPReplyParser()
    var usedTLS: Bool
    var extensions: [String: String] = [:]

    init(configuration: SMTPClient.Configuration, channel: any Channel, sslContext: NIOSSLContext?,
         inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.configuration = configuration
        self.channel = channel
        self.sslContext = sslContext
        self.inbound = inbound
        self.outbound = outbound
        self.usedTLS = configuration.security == .implicitTLS
    }

    mutating func run(from: String, recipients: [String], message: String) async throws -> SMTPClient.Report {
        try await expect(exchange(nil, step: "greeting"), step: "greeting", codes: [220])
        try await hello()
        try await startTLSIfWanted()
        let mechanism = try await authenticateIfConfigured()

        try await expect(exchange("MAIL FROM:<\(from)>", step: "MAIL FROM"), step: "MAIL FROM <\(from)>", codes: [250])
        var accepted: [String] = []
        var rejected: [SMTPClient.Report.Rejection] = []
        for recipient in recipients {
            let reply = try await exchange("RCPT TO:<\(recipient)>", step: "RCPT TO")
            if reply.code == 250 || reply.code == 251 {
                accepted.append(recipient)
            } else {
                rejected.append(.init(recipient: recipient, reply: reply))
            }
        }
        guard !accepted.isEmpty else {
            let first = rejected[0]
            throw NotificationError(
                .smtp, "SMTP: every recipient was refused: " + rejected.map { "<\($0.recipient)> \($0.reply)" }.joined(separator: "; "),
                retryable: first.reply.isTransient, code: first.reply.code)
        }
        try await expect(exchange("DATA", step: "DATA"), step: "DATA", codes: [354])
        let final = try await exchange(raw: SMTPMessage.dataPayload(message), step: "end of DATA")
        try expect(final, step: "end of DATA", codes: [250])
        await quit()
        return SMTPClient.Report(accepted: accepted, rejected: rejected, usedTLS: usedTLS, authMechanism: mechanism,
                                 finalReply: final)
    }

    private mutating func hello() async throws {
        let reply = try await exchange("EHLO \(configuration.heloName)", step: "EHLO")
        if reply.code == 250 {
            extensions = [:]
            for line in reply.lines.dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard let keyword = parts.first else { continue }
                // Old servers announce "AUTH=LOGIN PLAIN"; treat it like "AUTH LOGIN PLAIN".
                let word = keyword.uppercased()
                if word.hasPrefix("AUTH=") {
                    extensions["AUTH", default: ""] += " " + String(word.dropFirst(5)) + " " + (parts.count > 1 ? String(parts[1]) : "")
                } else {
                    extensions[word, default: ""] += " " + (parts.count > 1 ? String(parts[1]) : "")
                }
            }
            return
        }
        // A server that does not speak ESMTP: plain HELO, no extensions.
        let helo = try await exchange("HELO \(configuration.heloName)", step: "HELO")
        try expect(helo, step: "HELO", codes: [250])
        extensions = [:]
    }

    private mutating func startTLSIfWanted() async throws {
        guard configuration.security == .startTLS || configuration.security == .startTLSIfOffered else { return }
        guard extensions["STARTTLS"] != nil else {
            if configuration.security == .startTLS {
                throw NotificationError(.tls, "SMTP: \(configuration.host) does not offer STARTTLS, which the configuration requires",
                                        retryable: false)
            }
            return
        }
        try await expect(exchange("STARTTLS", step: "STARTTLS"), step: "STARTTLS", codes: [220])
        // Anything already buffered was sent in the clear before TLS: an injection attempt.
        if parser.hasBufferedBytes {
            throw NotificationError(.tls, "SMTP: \(configuration.host) sent data after its STARTTLS reply", retryable: false)
        }
        guard let sslContext else { return }
        let serverName = SMTPClient.serverName(configuration.host)
        let channel = self.channel
        let handshake = channel.eventLoop.makePromise(of: Void.self)
        try await channel.eventLoop.submit {
            let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
            try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatcher(handshake), position: .after(tls))
        }.get()
        do {
            try await handshake.futureResult.get()
        } catch let error as NIOSSLError {
            throw NotificationError(.tls, "SMTP: TLS with \(configuration.host) failed: \(error)", retryable: false)
        } catch let error as BoringSSLError {
            throw NotificationError(.tls, "SMTP: TLS with \(configuration.host) failed: \(error)", retryable: false)
        } catch {
            throw NotificationError(.tls, "SMTP: \(configuration.host) closed the connection during the TLS handshake", retryable: true)
        }
        usedTLS = true
        // RFC 3207 §4.2: forget what was learnt in the clear and ask again.
        try await hello()
    }

    private mutating func authenticateIfConfigured() async throws -> String? {
        guard let username = configuration.username, !username.isEmpty else { return nil }
        let password = configuration.password ?? ""
        if !SMTPClient.mayAuthenticate(usedTLS: usedTLS, allowInsecureAuth: configuration.allowInsecureAuth,
                                       peer: channel.remoteAddress) {
            throw NotificationError(.tls, "SMTP: refusing to send the password to \(configuration.host) without TLS "
                                    + "(enable starttls, or set allow_insecure_auth for a trusted network)", retryable: false)
        }
        let offered = Set((extensions["AUTH"] ?? "").uppercased().split(separator: " ").map(String.init))
        if offered.contains("PLAIN") {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            try expect(await exchange("AUTH PLAIN \(token)", step: "AUTH PLAIN"), step: "AUTH PLAIN", codes: [235])
            return "PLAIN"
        }
        if offered.contains("LOGIN") {
            try expect(await exchange("AUTH LOGIN", step: "AUTH LOGIN"), step: "AUTH LOGIN", codes: [334])
            try expect(await exchange(Data(username.utf8).base64EncodedString(), step: "AUTH LOGIN username"),
                       step: "AUTH LOGIN username", codes: [334])
            try expect(await exchange(Data(password.utf8).base64EncodedString(), step: "AUTH LOGIN password"),
                       step: "AUTH LOGIN", codes: [235])
            return "LOGIN"
        }
        let list = offered.isEmpty ? "none" : offered.sorted().joined(separator: " ")
        throw NotificationError(.smtp, "SMTP: \(configuration.host) offers no AUTH mechanism we support (offered: \(list))",
                                retryable: false)
    }

    private mutating func quit() async {
        // The message is accepted already; a server that hangs up instead of saying 221 is fine.
        _ = try? await exchange("QUIT", step: "QUIT")
    }

    /// Fails with the step, the code and the server's text when the reply is not one of `codes`.
    private func expect(_ reply: SMTPReply, step: String, codes: Set<Int>) throws {
        guard !codes.contains(reply.code) else { return }
        throw NotificationError(.smtp, "SMTP \(step) failed: \(reply)", retryable: reply.isTransient, code: reply.code)
    }

    /// Sends one command line (nil: just read, for the greeting) and reads the reply. Error
    /// messages name `step`, never the line, which may carry credentials.
    private mutating func exchange(_ line: String?, step: String) async throws -> SMTPReply {
        try await exchange(raw: line.map { $0 + "\r\n" }, step: step)
    }

    private mutating func exchange(raw: String?, step: String) async throws -> SMTPReply {
        let channel = self.channel
        let timeout = configuration.timeout
        let expired = StepDeadline()
        // The deadline closes the connection; the pending read or write then fails and the flag
        // tells that failure apart from the server hanging up.
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            expired.fired.store(true, ordering: .sequentiallyConsistent)
            channel.pipeline.fireErrorCaught(SMTPStepTimeout())
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            if let raw { try await outbound.write(ByteBuffer(string: raw)) }
            while true {
                if let reply = try parser.next() { return reply }
                guard let chunk = try await inbound.next() else {
                    throw NotificationError(.transport, "SMTP: \(configuration.host) closed the connection during \(step)",
                                            retryable: true)
                }
                parser.append(chunk.readableBytesView)
            }
        } catch {
            if expired.fired.load(ordering: .sequentiallyConsistent) {
                throw NotificationError(.timeout, "SMTP: \(step) timed out after \(Self.seconds(timeout))s", retryable: true)
            }
            if let error = error as? NotificationError { throw error }
            let described = SMTPClient.describe(error, host: configuration.host)
            throw NotificationError(described.kind, "\(described.message) (during \(step))", retryable: described.retryable)
        }
    }

    static func seconds(_ amount: TimeAmount) -> String {
        let value = Double(amount.nanoseconds) / 1e9
        return value == value.rounded() ? String(Int(value)) : String(value)
    }

}

private struct SMTPStepTimeout: Error {}

private final class StepDeadline: Sendable {
    let fired = Atomic<Bool>(false)
}
