import AnyunCore
@testable import Detection
import Foundation
import NIOCore
import XCTest

/// The mail channel against a real SMTP server (aiosmtpd) on 127.0.0.1.
final class NotifySMTPTests: XCTestCase {
    private func client(_ port: Int, security: SMTPClient.Security = .startTLSIfOffered, username: String? = nil,
                        password: String? = nil, trustRoots: String? = nil, verify: Bool = true, host: String = "127.0.0.1",
                        timeout: TimeAmount = .seconds(10)) -> SMTPClient {
        SMTPClient(.init(host: host, port: port, security: security, trustRootsFile: trustRoots, verifyCertificate: verify,
                         username: username, password: password, heloName: "anyun.test", timeout: timeout))
    }

    func testChineseAlertMailArrivesDecodableToSeveralRecipients() async throws {
        let server = try await NotifySMTPServer.start()
        defer { server.stop() }
        let recipients = ["soc@example.gov.cn", "duty@example.gov.cn", "cio@example.gov.cn"]
        let channel = SMTPChannel(name: "mail", client: client(server.port), from: "alerts@example.gov.cn", to: recipients)
        var notification = NotifyFixtures.notification()
        notification.alert.title = "政务外网 SSH 暴力破解：同一来源在五分钟内对三十台云主机发起超过一百次失败登录尝试"
        try await channel.deliver(notification)

        let messages = try server.messages()
        XCTAssertEqual(messages.count, 1)
        let mail = messages[0]
        XCTAssertEqual(mail.mailFrom, "alerts@example.gov.cn")
        XCTAssertEqual(mail.recipients, recipients)
        XCTAssertEqual(mail.to, recipients)
        // Python's email parser decodes the RFC 2047 words and the base64 body back to our text.
        XCTAssertEqual(mail.subject, notification.title)
        XCTAssertEqual(mail.body.trimmingCharacters(in: .newlines), notification.plainText)
        XCTAssertEqual(mail.from, "安云安全管理中心 <alerts@example.gov.cn>")
        XCTAssertEqual(mail.contentType, "text/plain; charset=utf-8")
        XCTAssertEqual(mail.transferEncoding, "base64")
        XCTAssertTrue(mail.messageID.hasPrefix("<") && mail.messageID.hasSuffix("@example.gov.cn>"), mail.messageID)
        XCTAssertTrue(mail.date.hasSuffix("+0800"), mail.date)
        // Every header line is 7-bit and within the 78-character recommendation.
        let raw = String(decoding: mail.raw, as: UTF8.self)
        let head = raw.components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") {
            XCTAssertTrue(line.unicodeScalars.allSatisfy(\.isASCII), line)
            XCTAssertLessThanOrEqual(line.utf8.count, 78, line)
        }
        XCTAssertTrue(head.contains("MIME-Version: 1.0"))
    }

    func testDotStuffingKeepsLinesThatStartWithADot() async throws {
        let server = try await NotifySMTPServer.start()
        defer { server.stop() }
        let message = "Subject: dots\r\n\r\n.hidden line\r\n..two dots\r\n.\r\nmiddle\n. after a lone dot\nlast"
        let report = try await client(server.port).send(from: "a@example.gov.cn", to: ["b@example.gov.cn"], message: message)
        XCTAssertEqual(report.accepted, ["b@example.gov.cn"])
        let raw = String(decoding: try XCTUnwrap(try server.messages().first).raw, as: UTF8.self)
        // The server unstuffs: what arrives is what we meant, a lone "." line included.
        XCTAssertEqual(raw, "Subject: dots\r\n\r\n.hidden line\r\n..two dots\r\n.\r\nmiddle\r\n. after a lone dot\r\nlast\r\n")
    }

    func testAuthPlainAgainstAServerThatRequiresIt() async throws {
        let server = try await NotifySMTPServer.start(.init(auth: ("alerts", "pässwörd-42")))
        defer { server.stop() }
        let report = try await client(server.port, username: "alerts", password: "pässwörd-42")
            .send(from: "alerts@example.gov.cn", to: ["soc@example.gov.cn"], message: "Subject: t\r\n\r\nbody")
        XCTAssertEqual(report.authMechanism, "PLAIN")
        XCTAssertEqual(try server.messages().first?.authenticatedAs, "alerts")

        // Without credentials the server's 530 comes back with its code.
        do {
            _ = try await client(server.port).send(from: "alerts@example.gov.cn", to: ["soc@example.gov.cn"], message: "x")
            XCTFail("unauthenticated MAIL must be refused")
        } catch let error as NotificationError {
            XCTAssertEqual(error.code, 530, error.message)
            XCTAssertTrue(error.message.contains("MAIL FROM") && error.message.contains("530"), error.message)
        }
    }

    func testWrongPasswordReportsTheReplyAndNeverThePassword() async throws {
        let server = try await NotifySMTPServer.start(.init(auth: ("alerts", "right-one")))
        defer { server.stop() }
        let secret = "wrong-Sekr1t"
        let channel = SMTPChannel(name: "mail", client: client(server.port, username: "alerts", password: secret),
                                  from: "alerts@example.gov.cn", to: ["soc@example.gov.cn"])
        do {
            try await channel.deliver(NotifyFixtures.notification())
            XCTFail("a wrong password must fail")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .smtp)
            XCTAssertEqual(error.code, 535, error.message)
            XCTAssertFalse(error.retryable)
            XCTAssertTrue(error.message.contains("AUTH PLAIN failed: 535"), error.message)
            let token = Data("\0alerts\0\(secret)".utf8).base64EncodedString()
            XCTAssertFalse(error.message.contains(secret) || error.message.contains(token), error.message)
        }
        XCTAssertTrue(try server.messages().isEmpty)
    }

    func testRejectedRecipientIsReportedWithItsCode() async throws {
        let server = try await NotifySMTPServer.start()
        defer { server.stop() }
        // Everyone refused: nothing sent, the error carries 550 and the server's text.
        let nobody = SMTPChannel(name: "mail", client: client(server.port), from: "alerts@example.gov.cn",
                                 to: ["reject-me@example.gov.cn"])
        do {
            try await nobody.deliver(NotifyFixtures.notification())
            XCTFail("a refused recipient must fail")
        } catch let error as NotificationError {
            XCTAssertEqual(error.code, 550)
            XCTAssertFalse(error.retryable)
            XCTAssertTrue(error.message.contains("<reject-me@example.gov.cn> 550 5.1.1"), error.message)
            XCTAssertTrue(error.message.contains("Recipient address rejected"), error.message)
        }
        XCTAssertTrue(try server.messages().isEmpty)

        // Some refused: the others get the mail, and the failure says who did not (no retry, no duplicates).
        let some = SMTPChannel(name: "mail", client: client(server.port), from: "alerts@example.gov.cn",
                               to: ["soc@example.gov.cn", "reject-x@example.gov.cn"])
        do {
            try await some.deliver(NotifyFixtures.notification())
            XCTFail("a partly refused delivery must be reported")
        } catch let error as NotificationError {
            XCTAssertEqual(error.code, 550)
            XCTAssertFalse(error.retryable)
            XCTAssertTrue(error.message.contains("delivered to 1 of 2"), error.message)
        }
        XCTAssertEqual(try server.messages().map(\.recipients), [["soc@example.gov.cn"]])
    }

    func testStartTLSWithConfiguredTrustRootAndAuth() async throws {
        let tls = try NotifyTLSCertificate.make()
        defer { try? FileManager.default.removeItem(at: tls.directory) }
        let server = try await NotifySMTPServer.start(.init(auth: ("alerts", "pw"), tls: (tls.certificate, tls.key), requireTLS: true))
        defer { server.stop() }
        let report = try await client(server.port, security: .startTLS, username: "alerts", password: "pw", trustRoots: tls.certificate,
                                      host: "localhost")
            .send(from: "alerts@example.gov.cn", to: ["soc@example.gov.cn"], message: "Subject: tls\r\n\r\nover TLS")
        XCTAssertTrue(report.usedTLS)
        let mail = try XCTUnwrap(try server.messages().first)
        XCTAssertTrue(mail.tls, "the server saw the message inside TLS")
        XCTAssertEqual(mail.authenticatedAs, "alerts")

        // The same server with the system trust store: the self-signed certificate is refused.
        do {
            _ = try await client(server.port, security: .startTLS, host: "localhost")
                .send(from: "alerts@example.gov.cn", to: ["soc@example.gov.cn"], message: "x")
            XCTFail("an untrusted certificate must fail")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .tls, error.message)
        }
        // Only an explicit verify: false accepts it.
        let unverified = try await client(server.port, security: .startTLS, username: "alerts", password: "pw", verify: false,
                                          host: "localhost")
            .send(from: "alerts@example.gov.cn", to: ["soc@example.gov.cn"], message: "Subject: x\r\n\r\nx")
        XCTAssertTrue(unverified.usedTLS)
        XCTAssertEqual(try server.messages().count, 2)
    }

    func testRequiredStartTLSFailsWhenNotOffered() async throws {
        let server = try await NotifySMTPServer.start()
        defer { server.stop() }
        do {
            _ = try await client(server.port, security: .startTLS).send(from: "a@example.gov.cn", to: ["b@example.gov.cn"], message: "x")
            XCTFail("must refuse to continue in the clear")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .tls)
            XCTAssertTrue(error.message.contains("does not offer STARTTLS"), error.message)
        }
        XCTAssertTrue(try server.messages().isEmpty)
    }

    func testPasswordGoesInTheClearOnlyToThisMachineOrWhenAllowed() throws {
        let remote = try SocketAddress(ipAddress: "10.20.30.40", port: 587)
        let remote6 = try SocketAddress(ipAddress: "2001:db8::25", port: 587)
        XCTAssertFalse(SMTPClient.mayAuthenticate(usedTLS: false, allowInsecureAuth: false, peer: remote))
        XCTAssertFalse(SMTPClient.mayAuthenticate(usedTLS: false, allowInsecureAuth: false, peer: remote6))
        XCTAssertFalse(SMTPClient.mayAuthenticate(usedTLS: false, allowInsecureAuth: false, peer: nil))
        XCTAssertTrue(SMTPClient.mayAuthenticate(usedTLS: true, allowInsecureAuth: false, peer: remote))
        XCTAssertTrue(SMTPClient.mayAuthenticate(usedTLS: false, allowInsecureAuth: true, peer: remote))
        XCTAssertTrue(SMTPClient.mayAuthenticate(usedTLS: false, allowInsecureAuth: false,
                                                 peer: try SocketAddress(ipAddress: "127.0.0.1", port: 25)))
        XCTAssertTrue(SMTPClient.mayAuthenticate(usedTLS: false, allowInsecureAuth: false, peer: try SocketAddress(ipAddress: "::1", port: 25)))
        XCTAssertFalse(SMTPClient.Configuration(host: "mail.example.gov.cn").allowInsecureAuth, "off unless configured")
    }

    func testSilentServerTimesOutNamingTheStep() async throws {
        let silent = try await NotifySilentServer.start()
        let start = ContinuousClock.now
        do {
            _ = try await client(silent.port, timeout: .seconds(1)).send(from: "a@example.gov.cn", to: ["b@example.gov.cn"], message: "x")
            XCTFail("must time out")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .timeout, error.message)
            XCTAssertTrue(error.message.contains("greeting"), error.message)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(4))
        await silent.stop()
    }

    func testClosedPortIsATransportError() async throws {
        let port = try await notifyClosedPort()
        do {
            _ = try await client(port).send(from: "a@example.gov.cn", to: ["b@example.gov.cn"], message: "x")
            XCTFail("nothing listens there")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .transport)
            XCTAssertTrue(error.retryable)
            XCTAssertTrue(error.message.contains("127.0.0.1:\(port)"), error.message)
        }
    }

    func testAddressesThatCouldInjectCommandsAreRefused() async throws {
        for bad in ["a@b\r\nRCPT TO:<x@y>", "a b@c", "<a@b>", "no-at-sign", "用户@example.gov.cn"] {
            do {
                _ = try await client(1).send(from: "a@example.gov.cn", to: [bad], message: "x")
                XCTFail("\(bad) accepted")
            } catch let error as NotificationError {
                XCTAssertEqual(error.kind, .configuration, "\(bad): \(error.message)")
            }
        }
    }

    func testReplyParserHandlesMultilineAndSplitReads() throws {
        var parser = SMTPReplyParser()
        parser.append(Array("250-mail.example Hello\r\n250-STARTTLS\r".utf8))
        XCTAssertNil(try parser.next())
        parser.append(Array("\n250 AUTH PLAIN LOGIN\r\n220 next".utf8))
        XCTAssertEqual(try parser.next(), SMTPReply(code: 250, lines: ["mail.example Hello", "STARTTLS", "AUTH PLAIN LOGIN"]))
        XCTAssertNil(try parser.next())
        XCTAssertTrue(parser.hasBufferedBytes)
        var bad = SMTPReplyParser()
        bad.append(Array("hello there\r\n".utf8))
        XCTAssertThrowsError(try bad.next())
        var mixed = SMTPReplyParser()
        mixed.append(Array("250-a\r\n251 b\r\n".utf8))
        XCTAssertThrowsError(try mixed.next(), "a code change mid-reply is a protocol error")
    }

    func testEncodedWordsStayShortAndDecodeBack() throws {
        let subject = "【告警】严重｜" + String(repeating: "数据库审计发现异常批量导出", count: 6) + " 😀"
        let encoded = SMTPMessage.encodedWords(subject)
        var decoded = ""
        for word in encoded.components(separatedBy: "\r\n ") {
            XCTAssertLessThanOrEqual(word.count, 75)
            XCTAssertTrue(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = String(word.dropFirst(10).dropLast(2))
            decoded += String(decoding: try XCTUnwrap(Data(base64Encoded: payload)), as: UTF8.self)
        }
        XCTAssertEqual(decoded, subject, "each word holds whole characters")
    }
}

/// A self-signed certificate for localhost / 127.0.0.1, made with the openssl command.
enum NotifyTLSCertificate {
    /// The PEM paths; remove `directory` when done.
    static func make() throws -> (certificate: String, key: String, directory: URL) {
        guard let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("the STARTTLS test makes its certificate with the `openssl` command: apt-get install openssl")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                             "-keyout", key, "-out", certificate]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "openssl req failed")
        return (certificate, key, directory)
    }
}
