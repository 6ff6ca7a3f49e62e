import AnyunCore
@testable import Detection
import Foundation
import XCTest

/// The webhook, DingTalk and WeCom channels against a real HTTP receiver on 127.0.0.1.
final class NotifyHTTPChannelTests: XCTestCase {
    // MARK: Webhook

    func testWebhookPostsSignedJSONWithCustomHeaders() async throws {
        let server = try await NotifyHTTPServer.start()
        defer { server.stop() }
        let secret = "s3cr3t-共享"
        let channel = WebhookChannel(name: "soar", url: URL(string: "\(server.baseURL)/hooks/anyun?tenant=7")!, secret: secret,
                                     headers: ["X-Api-Key": "abc123"])
        let before = Int64(Date().timeIntervalSince1970)
        try await channel.deliver(NotifyFixtures.notification())
        let request = try await server.waitForRequests(1)[0]

        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.target, "/hooks/anyun?tenant=7")
        XCTAssertEqual(request.header("X-Api-Key"), "abc123")
        XCTAssertEqual(request.header("Content-Type"), "application/json; charset=utf-8")

        let json = try request.json()
        XCTAssertEqual(json["id"] as? Int, 42)
        XCTAssertEqual(json["rule_id"] as? String, "anyun.ssh.bruteforce")
        XCTAssertEqual(json["severity"] as? String, "high")
        XCTAssertEqual(json["group_key"] as? String, "src_ip=10.1.2.3")
        XCTAssertEqual(json["count"] as? Int, 120)
        XCTAssertEqual(json["unit_id"] as? Int, 3)
        XCTAssertEqual(json["unit_name"] as? String, "市卫健委")
        XCTAssertEqual(json["first_seen"] as? String, "2024-05-01T06:03:05.250Z")
        XCTAssertEqual((json["first_seen_us"] as? NSNumber)?.int64Value, NotifyFixtures.firstSeen)
        XCTAssertEqual(json["link"] as? String, "https://soc.example.gov.cn/alerts/42")
        XCTAssertEqual(json["tags"] as? [String], ["attack.t1110", "mlps.8.1.4.1"])
        XCTAssertEqual(json["headline"] as? String, "【告警】高危｜SSH 暴力破解")
        XCTAssertTrue(json.keys.contains("system_id") && json.keys.contains("host_id"))

        // The receiver's check, computed independently: HMAC-SHA256 over the exact body.
        let expected = try NotifyPython.hmacHex(key: secret, message: request.body)
        XCTAssertEqual(request.header("X-Anyun-Signature"), "sha256=\(expected)")
        // The timestamp header is the signed `sent_at` in the body.
        let stamp = try XCTUnwrap(request.header("X-Anyun-Timestamp").flatMap { Int64($0) })
        XCTAssertEqual((json["sent_at"] as? NSNumber)?.int64Value, stamp)
        XCTAssertTrue((before...(before + 60)).contains(stamp))
    }

    func testWebhookWithoutSecretIsUnsignedAndTamperingBreaksTheSignature() async throws {
        let server = try await NotifyHTTPServer.start()
        defer { server.stop() }
        try await WebhookChannel(name: "plain", url: URL(string: "\(server.baseURL)/h")!, timestampHeader: false)
            .deliver(NotifyFixtures.notification())
        let request = try await server.waitForRequests(1)[0]
        XCTAssertNil(request.header("X-Anyun-Signature"))
        XCTAssertNil(request.header("X-Anyun-Timestamp"))

        var tampered = request.body
        tampered.append(contentsOf: Array(" ".utf8))
        XCTAssertNotEqual(WebhookChannel.signature(body: tampered, secret: "k"), WebhookChannel.signature(body: request.body, secret: "k"))
        XCTAssertEqual(WebhookChannel.signature(body: request.body, secret: "k"), try NotifyPython.hmacHex(key: "k", message: request.body))
    }

    func testNon2xxIsAFailureNamingTheStatus() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json(#"{"error":"boom"}"#, status: 503) }
        defer { server.stop() }
        let channel = WebhookChannel(name: "soar", url: URL(string: "\(server.baseURL)/h?token=hush")!)
        do {
            try await channel.deliver(NotifyFixtures.notification())
            XCTFail("a 503 must fail")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .httpStatus)
            XCTAssertEqual(error.code, 503)
            XCTAssertTrue(error.retryable)
            XCTAssertTrue(error.message.contains("HTTP 503"), error.message)
            XCTAssertTrue(error.message.contains("/h"), error.message)
            XCTAssertFalse(error.message.contains("hush"), "the query (tokens) stays out of errors: \(error.message)")
        }

        let notFound = try await NotifyHTTPServer.start { _, _ in Response404.response }
        defer { notFound.stop() }
        do {
            try await WebhookChannel(name: "soar", url: URL(string: "\(notFound.baseURL)/h")!).deliver(NotifyFixtures.notification())
            XCTFail("a 404 must fail")
        } catch let error as NotificationError {
            XCTAssertEqual(error.code, 404)
            XCTAssertFalse(error.retryable, "a wrong URL does not get better by retrying")
        }
    }

    func testSlowReceiverTimesOut() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json("{}", delay: .seconds(4)) }
        defer { server.stop() }
        let channel = WebhookChannel(name: "slow", url: URL(string: "\(server.baseURL)/h")!, timeout: 1)
        let start = ContinuousClock.now
        do {
            try await channel.deliver(NotifyFixtures.notification())
            XCTFail("must time out")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .timeout, error.message)
            XCTAssertTrue(error.retryable)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3.5), "gave up near the 1 s timeout, not when the server answered")
    }

    // MARK: DingTalk

    func testDingTalkPostsMarkdownWithVerifiableSignature() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json(#"{"errcode":0,"errmsg":"ok"}"#) }
        defer { server.stop() }
        let secret = "SECb1f6e7bd0a6fa9c6b6a4b3f0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0"
        let channel = DingTalkChannel(name: "dingtalk", url: URL(string: "\(server.baseURL)/robot/send?access_token=tok123")!,
                                      secret: secret)
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        try await channel.deliver(NotifyFixtures.notification())
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        let request = try await server.waitForRequests(1)[0]

        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/robot/send")
        let query = request.query
        XCTAssertEqual(query["access_token"], "tok123")
        let timestamp = try XCTUnwrap(query["timestamp"])
        XCTAssertTrue((before...after).contains(try XCTUnwrap(Int64(timestamp))), "timestamp in ms of the send")
        XCTAssertEqual(query["sign"], try NotifyPython.dingTalkSign(timestamp: timestamp, secret: secret))
        // base64 may hold + / =, which must arrive percent-encoded, never as a raw '+' (a space).
        let rawSign = try XCTUnwrap(request.target.components(separatedBy: "sign=").last)
        XCTAssertFalse(rawSign.contains("+") || rawSign.contains("/") || rawSign.contains("="), rawSign)

        let json = try request.json()
        XCTAssertEqual(json["msgtype"] as? String, "markdown")
        let markdown = try XCTUnwrap(json["markdown"] as? [String: Any])
        XCTAssertEqual(markdown["title"] as? String, "【告警】高危｜SSH 暴力破解")
        let text = try XCTUnwrap(markdown["text"] as? String)
        XCTAssertTrue(text.contains("**分组**：src_ip=10.1.2.3"), text)
        XCTAssertTrue(text.contains("2024-05-01 14:03:05"), text)
    }

    func testDingTalkSignatureManyTimesAgainstPython() throws {
        // Different timestamps give base64 values with and without + and /; all must match.
        let channel = DingTalkChannel(name: "d", url: URL(string: "https://oapi.dingtalk.com/robot/send?access_token=t")!, secret: "SECxyz")
        for ms in [Int64(1_700_000_000_000), 1_700_000_000_001, 1_714_543_385_250, 1_600_000_123_456] {
            let url = try channel.signedURL(timestampMS: ms)
            let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            XCTAssertEqual(items.first { $0.name == "timestamp" }?.value, String(ms))
            XCTAssertEqual(items.first { $0.name == "sign" }?.value, try NotifyPython.dingTalkSign(timestamp: String(ms), secret: "SECxyz"))
            XCTAssertEqual(items.first { $0.name == "access_token" }?.value, "t")
        }
        let unsigned = DingTalkChannel(name: "d", url: URL(string: "https://oapi.dingtalk.com/robot/send?access_token=t")!)
        XCTAssertEqual(try unsigned.signedURL(timestampMS: 1).absoluteString, "https://oapi.dingtalk.com/robot/send?access_token=t")
    }

    func testDingTalkErrcodeIsAFailureWithErrmsg() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json(#"{"errcode":310000,"errmsg":"sign not match"}"#) }
        defer { server.stop() }
        let channel = DingTalkChannel(name: "dingtalk", url: URL(string: "\(server.baseURL)/robot/send?access_token=tok")!, secret: "SECwrong")
        do {
            try await channel.deliver(NotifyFixtures.notification())
            XCTFail("errcode 310000 must fail")
        } catch let error as NotificationError {
            XCTAssertEqual(error.kind, .rejected)
            XCTAssertEqual(error.code, 310000)
            XCTAssertFalse(error.retryable)
            XCTAssertTrue(error.message.contains("sign not match"), error.message)
            XCTAssertFalse(error.message.contains("SECwrong") || error.message.contains("tok"), error.message)
        }

        let limited = try await NotifyHTTPServer.start { _, _ in .json(#"{"errcode":130101,"errmsg":"send too fast"}"#) }
        defer { limited.stop() }
        do {
            try await DingTalkChannel(name: "d", url: URL(string: "\(limited.baseURL)/robot/send?access_token=t")!)
                .deliver(NotifyFixtures.notification())
            XCTFail("rate limited must fail")
        } catch let error as NotificationError {
            XCTAssertTrue(error.retryable, "rate limiting passes; worth retrying")
        }
    }

    // MARK: WeCom

    func testWeComPostsMarkdownContent() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json(#"{"errcode":0,"errmsg":"ok"}"#) }
        defer { server.stop() }
        let channel = WeComChannel(name: "wecom", url: URL(string: "\(server.baseURL)/cgi-bin/webhook/send?key=k-123")!)
        try await channel.deliver(NotifyFixtures.notification())
        let request = try await server.waitForRequests(1)[0]
        XCTAssertEqual(request.path, "/cgi-bin/webhook/send")
        XCTAssertEqual(request.query["key"], "k-123")
        let json = try request.json()
        XCTAssertEqual(json["msgtype"] as? String, "markdown")
        let content = try XCTUnwrap((json["markdown"] as? [String: Any])?["content"] as? String)
        XCTAssertEqual(content, NotifyFixtures.notification().markdown)
    }

    func testWeComTruncatesLongContentTo4096BytesAtACharacterBoundary() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json(#"{"errcode":0,"errmsg":"ok"}"#) }
        defer { server.stop() }
        var notification = NotifyFixtures.notification()
        notification.alert.summary = String(repeating: "登录失败😀", count: 800)  // ~ 12.8 kB
        try await WeComChannel(name: "wecom", url: URL(string: "\(server.baseURL)/send?key=k")!).deliver(notification)
        let request = try await server.waitForRequests(1)[0]
        let content = try XCTUnwrap((try request.json()["markdown"] as? [String: Any])?["content"] as? String)
        XCTAssertLessThanOrEqual(content.utf8.count, 4096)
        XCTAssertGreaterThan(content.utf8.count, 4096 - 8, "uses the budget, losing at most one character")
        XCTAssertTrue(content.hasSuffix("（内容过长，已截断）"))
        XCTAssertTrue(notification.markdown.hasPrefix(String(content.dropLast(UTF8Truncation.marker.count))))
    }

    func testWeComErrcodeIsAFailure() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json(#"{"errcode":93000,"errmsg":"invalid webhook url"}"#) }
        defer { server.stop() }
        do {
            try await WeComChannel(name: "wecom", url: URL(string: "\(server.baseURL)/send?key=k")!).deliver(NotifyFixtures.notification())
            XCTFail("errcode must fail")
        } catch let error as NotificationError {
            XCTAssertEqual(error.code, 93000)
            XCTAssertTrue(error.message.contains("invalid webhook url"), error.message)
        }
    }
}

private enum Response404 {
    static let response = NotifyHTTPServer.Response(status: 404, body: "not found")
}
