import AnyunCore
@testable import Detection
import Foundation
import XCTest

final class NotifyConfigTests: XCTestCase {
    private let json = #"""
    {
      "queue_capacity": 64, "max_attempts": 5, "base_delay_seconds": 0.5, "max_delay_seconds": 20, "jitter": 0.1,
      "channels": [
        {"type": "webhook", "name": "soar", "url": "https://soar.example.gov.cn/hook?k=1", "secret": "hook-secret",
         "headers": {"X-Api-Key": "abc"}, "min_severity": "medium", "units": [3, 7], "timeout_seconds": 5},
        {"type": "dingtalk", "name": "ding", "url": "https://oapi.dingtalk.com/robot/send?access_token=tok", "secret": "SECabc",
         "min_severity": "high"},
        {"type": "wecom", "name": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
        {"type": "smtp", "name": "mail", "min_severity": "critical",
         "smtp": {"host": "mail.example.gov.cn", "username": "alerts", "password": "mail-password",
                  "from": "alerts@example.gov.cn", "to": ["soc@example.gov.cn", "duty@example.gov.cn"], "require_tls": true}}
      ]
    }
    """#

    func testSettingsDecodeIntoRoutesAndRetryPolicy() throws {
        let settings = try JSONDecoder().decode(NotificationSettings.self, from: Data(json.utf8))
        XCTAssertEqual(settings.retryPolicy, RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(20), jitter: 0.1))
        let routes = try settings.makeRoutes()
        XCTAssertEqual(routes.map(\.channel.name), ["soar", "ding", "wecom", "mail"])
        XCTAssertEqual(routes.map(\.minSeverity), [.medium, .high, .info, .critical])
        XCTAssertEqual(routes[0].units, [3, 7])
        XCTAssertNil(routes[1].units)
        XCTAssertTrue(routes[0].channel is WebhookChannel)
        XCTAssertTrue(routes[1].channel is DingTalkChannel)
        XCTAssertTrue(routes[2].channel is WeComChannel)
        let mail = try XCTUnwrap(routes[3].channel as? SMTPChannel)
        XCTAssertEqual(mail.recipients, ["soc@example.gov.cn", "duty@example.gov.cn"])
        XCTAssertEqual(try settings.channels[3].smtp?.security, .startTLS)

        let dispatcher = try NotificationDispatcher(settings: settings)
        XCTAssertEqual(dispatcher.channelNames, ["soar", "ding", "wecom", "mail"])
        XCTAssertEqual(dispatcher.retry.maxAttempts, 5)
    }

    func testDescriptionsHideSecretsAndTokens() throws {
        let settings = try JSONDecoder().decode(NotificationSettings.self, from: Data(json.utf8))
        let text = settings.channels.map(\.description).joined(separator: "\n")
        for secret in ["hook-secret", "SECabc", "mail-password", "access_token=tok", "key=k"] {
            XCTAssertFalse(text.contains(secret), "\(secret) leaked in\n\(text)")
        }
        XCTAssertTrue(text.contains("secret=***") && text.contains("password=***"))
        XCTAssertTrue(text.contains("https://oapi.dingtalk.com/robot/send"))
    }

    func testBadChannelsAreRefusedNamingTheField() throws {
        let cases: [(NotificationChannelConfig, String)] = [
            (.init(type: .webhook, name: "w"), "url"),
            (.init(type: .webhook, name: "w", url: "ftp://x/y"), "url"),
            (.init(type: .dingtalk, name: "d", url: "not a url"), "url"),
            (.init(type: .webhook, name: " ", url: "https://x/y"), "name"),
            (.init(type: .webhook, name: "w", url: "https://x/y", headers: ["X-Bad": "a\r\nInjected: 1"]), "headers.X-Bad"),
            (.init(type: .webhook, name: "w", url: "https://x/y", timeoutSeconds: 0), "timeout_seconds"),
            (.init(type: .smtp, name: "m"), "smtp"),
            (.init(type: .smtp, name: "m", smtp: .init(host: "h", from: "a@b", to: [])), "smtp.to"),
            (.init(type: .smtp, name: "m", smtp: .init(host: "h", from: "a@b", to: ["x\r\n@y"])), "smtp.to"),
            (.init(type: .smtp, name: "m", smtp: .init(host: "h", from: "nobody", to: ["a@b"])), "smtp.from"),
            (.init(type: .smtp, name: "m", smtp: .init(host: "h", port: 70000, from: "a@b", to: ["a@b"])), "smtp.port"),
            (.init(type: .smtp, name: "m", smtp: .init(host: "h", starttls: false, requireTLS: true, from: "a@b", to: ["a@b"])),
             "require_tls"),
            (.init(type: .wecom, name: "w", url: "https://x/y?key=k", secret: "s"), "secret"),
            (.init(type: .dingtalk, name: "d", url: "https://x/y", headers: ["A": "b"]), "headers"),
            (.init(type: .smtp, name: "m", url: "https://x/y", smtp: .init(host: "h", from: "a@b", to: ["a@b"])), "url"),
        ]
        for (config, field) in cases {
            XCTAssertThrowsError(try config.makeRoute(), "\(config)") { error in
                let error = error as? NotificationError
                XCTAssertEqual(error?.kind, .configuration)
                XCTAssertTrue(error?.message.contains(field) == true, "\(error?.message ?? "") should name \(field)")
            }
        }
        let twice = NotificationSettings(channels: [
            .init(type: .wecom, name: "same", url: "https://a/b"), .init(type: .wecom, name: "same", url: "https://a/c"),
        ])
        XCTAssertThrowsError(try twice.makeRoutes())
    }

    func testSMTPDefaults() throws {
        let plain = SMTPSettings(host: "h", from: "a@b", to: ["c@d"])
        XCTAssertEqual(try plain.security, .startTLSIfOffered, "STARTTLS when offered by default")
        XCTAssertEqual(try SMTPSettings(host: "h", starttls: false, from: "a@b", to: ["c@d"]).security, .none)
        XCTAssertEqual(try SMTPSettings(host: "h", implicitTLS: true, from: "a@b", to: ["c@d"]).security, .implicitTLS)
        let channel = try NotificationChannelConfig(type: .smtp, name: "m", smtp: plain).makeChannel()
        XCTAssertEqual((channel as? SMTPChannel)?.fromName, "安云安全管理中心")
    }
}
