import AnyunCore
@testable import Detection
import Foundation
import XCTest

/// The shipped rule pack: it loads strictly, is well-formed, and every rule has a positive and a
/// negative case.
final class SigmaShippedRulesTests: XCTestCase {
    private typealias E = TestEvents

    private static func exec(_ command: String, user: String = "alice") -> LogEvent {
        E.make(app: "anyun-agent", fields: ["action": "exec", "command": command, "user": user], decoder: "anyun-agent")
    }

    private static func sudo(_ command: String, user: String = "alice", target: String = "root", outcome: String = "success",
                             message: String? = nil) -> LogEvent {
        E.make(app: "sudo", message: message ?? "\(user) : TTY=pts/0 ; PWD=/home/\(user) ; USER=\(target) ; COMMAND=\(command)",
               fields: ["action": "sudo", "user": user, "target_user": target, "command": command, "outcome": outcome],
               decoder: "sudo")
    }

    private static func audit(_ fields: [String: String]) -> LogEvent {
        E.make(app: "audispd", message: "type=\(fields["type"] ?? "") msg=audit(1700000000.123:42): ...", fields: fields,
               decoder: "auditd")
    }

    private static func waf(_ action: String, score: String = "15", app: String = "anyun-waf") -> LogEvent {
        E.make(app: app, message: "{\"action\":\"\(action)\"}",
               fields: ["action": action, "rule_ids": "942100,949110", "anomaly_score": score, "site": "www.gov.example",
                        "src_ip": "203.0.113.9"], decoder: app == "anyun-waf" ? "anyun-waf" : nil)
    }

    /// Detection rules by title: events that must match, events that must not.
    private static let detectionCases: [(title: String, positive: [LogEvent], negative: [LogEvent])] = [
        ("SSH Failed Login",
         [E.sshFailure(from: "203.0.113.7", at: 0)],
         [E.sshSuccess(from: "203.0.113.7", user: "root", at: 0),
          E.make(app: "nginx", fields: ["action": "login", "outcome": "failure", "src_ip": "203.0.113.7"])]),
        ("SSH Successful Login",
         [E.sshSuccess(from: "10.1.1.1", user: "alice", at: 0)],
         [E.sshFailure(from: "10.1.1.1", user: "alice", at: 0)]),
        ("Root Login via SSH",
         [E.sshSuccess(from: "10.1.1.1", user: "root", at: 0)],
         [E.sshSuccess(from: "10.1.1.1", user: "alice", at: 0), E.sshFailure(from: "10.1.1.1", user: "root", at: 0)]),
        ("Sudo to Root by a User Not in the Allowlist",
         [sudo("/bin/bash")],
         [sudo("/bin/bash", user: "anyun-ops"), sudo("/usr/bin/psql", target: "postgres"),
          sudo("/bin/bash", outcome: "failure")]),
        ("Sudo Authentication Failure or User Not in Sudoers",
         [E.make(app: "sudo", message: "bob : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash"),
          E.make(app: "sudo", message: "alice : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh"),
          sudo("/bin/sh", outcome: "failure")],
         [sudo("/usr/bin/id"),
          E.make(app: "sshd", message: "bob : user NOT in sudoers")]),
        ("Failed su to Root",
         [E.make(app: "su", fields: ["action": "su", "user": "alice", "target_user": "root", "outcome": "failure"]),
          E.make(app: "su", message: "FAILED SU (to root) alice on pts/0"),
          E.make(app: "su", message: "pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 ruser=alice rhost=  user=root")],
         [E.make(app: "su", message: "pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 ruser=alice rhost=  user=postgres"),
          E.make(app: "su", message: "(to root) alice on pts/0"),
          E.make(app: "su", fields: ["action": "su", "user": "alice", "target_user": "root", "outcome": "success"])]),
        ("Local Account Added",
         [E.make(app: "useradd", fields: ["action": "account_add", "user": "backdoor"]),
          E.make(app: "useradd", message: "new user: name=backdoor, UID=1001, GID=1001, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0")],
         [E.make(app: "groupadd", message: "new group: name=backdoor, GID=1001"),
          E.make(app: "sshd", message: "new user: name=backdoor"),
          E.make(app: "useradd", fields: ["action": "account_delete", "user": "old"])]),
        ("Account Added (auditd)",
         [audit(["type": "ADD_USER", "acct": "backdoor"])],
         [audit(["type": "USER_LOGIN", "acct": "alice"]),
          E.make(app: "nginx", fields: ["type": "ADD_USER"])]),
        ("Log or Shell History Clearing",
         [exec("history -c"), exec("rm -rf /var/log/nginx/access.log"), exec("journalctl --vacuum-time=1s"),
          exec("cat /dev/null > /var/log/secure"), sudo("/usr/bin/truncate -s 0 /var/log/audit/audit.log")],
         [exec("ls -l /var/log/"), exec("rm /tmp/build.log"),
          sudo("/usr/bin/truncate -s 0 /var/log/secure", outcome: "failure"),
          E.make(app: "nginx", fields: ["action": "request", "command": "rm /var/log/x"])]),
        ("Log File Deleted (auditd)",
         [audit(["type": "PATH", "nametype": "DELETE", "name": "/var/log/secure"])],
         [audit(["type": "PATH", "nametype": "DELETE", "name": "/var/log/messages-20240101.gz"]),
          audit(["type": "PATH", "nametype": "CREATE", "name": "/var/log/secure"]),
          audit(["type": "PATH", "nametype": "DELETE", "name": "/tmp/var/log/x"])]),
        ("Audit Daemon Stopped (auditd)",
         [audit(["type": "DAEMON_END"]), audit(["type": "DAEMON_ABORT"])],
         [audit(["type": "DAEMON_START"])]),
        ("Audit Service Stopped by systemd",
         [E.make(app: "systemd", message: "Stopping Security Auditing Service..."),
          E.make(app: "systemd", message: "auditd.service: Deactivated successfully.")],
         [E.make(app: "systemd", message: "Starting Security Auditing Service..."),
          E.make(app: "sshd", message: "Stopping Security Auditing Service...")]),
        ("Command Disabling the Audit System",
         [exec("auditctl -e 0"), exec("auditctl -D"), exec("systemctl stop auditd"), exec("service auditd stop"),
          exec("kill -9 $(pidof auditd)")],
         [exec("systemctl status auditd"), exec("auditctl -l"), exec("systemctl stop nginx"),
          exec("systemctl restart auditd")]),
        ("Root Crontab Replaced",
         [E.make(app: "crontab", message: "(root) REPLACE (root)")],
         [E.make(app: "crontab", message: "(alice) REPLACE (alice)"),
          E.make(app: "CRON", message: "(root) CMD (run-parts /etc/cron.hourly)")]),
        ("Kernel Module Loaded (auditd)",
         [audit(["type": "KERN_MODULE", "name": "rk"]), audit(["type": "SYSCALL", "syscall": "313"]),
          audit(["type": "SYSCALL", "syscall": "finit_module"])],
         [audit(["type": "SYSCALL", "syscall": "59"]), audit(["type": "EXECVE"])]),
        ("Kernel Module Loaded by Command",
         [exec("insmod /tmp/rk.ko"), exec("modprobe nf_conntrack")],
         [exec("modprobe -r usb_storage"), exec("lsmod")]),
        ("Unsigned or Out-of-Tree Kernel Module Loaded",
         [E.make(app: "kernel", message: "rk: module verification failed: signature and/or required key missing - tainting kernel"),
          E.make(app: "kernel", message: "diamorphine: loading out-of-tree module taints kernel.")],
         [E.make(app: "kernel", message: "usb 1-1: new high-speed USB device number 2 using xhci_hcd"),
          E.make(app: "sshd", message: "module verification failed")]),
        ("Windows Logon Failure",
         [E.make(app: "Microsoft-Windows-Security-Auditing", fields: ["EventID": "4625", "IpAddress": "198.51.100.4", "TargetUserName": "Administrator"]),
          E.make(app: "anyun-agent", fields: ["Channel": "Security", "EventID": "4625"])],
         [E.make(app: "Microsoft-Windows-Security-Auditing", fields: ["EventID": "4624"]),
          E.make(app: "testapp", fields: ["EventID": "4625"])]),
        ("WAF Blocked an Attack Request",
         [waf("block")],
         [waf("detect"), waf("block", app: "nginx")]),
        ("WAF Detected an Attack It Did Not Block",
         [waf("detect", score: "10"), waf("detect", score: "5")],
         [waf("detect", score: "3"), waf("block", score: "10")]),
        ("Web Vulnerability Scanner User Agent",
         [E.make(app: "nginx", fields: ["user_agent": "sqlmap/1.7.2#stable (https://sqlmap.org)", "src_ip": "198.51.100.9"]),
          E.make(app: "nginx", fields: ["user_agent": "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)"])],
         [E.make(app: "nginx", fields: ["user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"]),
          E.make(app: "sshd", fields: ["user_agent": "sqlmap/1.7.2"])]),
    ]

    /// Correlation rules by title: a sequence that must fire and one that must not.
    private static let correlationCases: [(title: String, positive: [LogEvent], negative: [LogEvent])] = [
        ("SSH Brute Force",
         (0..<5).map { E.sshFailure(from: "203.0.113.7", at: Double($0) * 10) },
         (0..<5).map { E.sshFailure(from: "203.0.113.7", at: Double($0) * 20) }),
        ("SSH Password Spraying",
         (0..<5).map { E.sshFailure(from: "203.0.113.8", user: "user\($0)", at: Double($0) * 30) },
         (0..<8).map { E.sshFailure(from: "203.0.113.8", user: "oracle", at: Double($0) * 30) }),
        ("SSH Login From a Source Never Seen for the Account",
         [E.sshSuccess(from: "10.1.1.1", user: "alice", at: 0), E.sshSuccess(from: "10.9.9.9", user: "alice", at: 8 * 86_400)],
         [E.sshSuccess(from: "10.1.1.1", user: "alice", at: 0), E.sshSuccess(from: "10.1.1.1", user: "alice", at: 8 * 86_400),
          E.sshSuccess(from: "10.9.9.9", user: "bob", at: 86_400)]),
        ("SSH Login Success After Brute Force",
         (0..<5).map { E.sshFailure(from: "203.0.113.7", at: Double($0)) } + [E.sshSuccess(from: "203.0.113.7", user: "root", at: 120)],
         [E.sshSuccess(from: "203.0.113.7", user: "root", at: 0)] + (1...5).map { E.sshFailure(from: "203.0.113.7", at: Double($0)) }),
        ("Windows Logon Brute Force (RDP/SMB)",
         (0..<5).map { E.make(app: "Microsoft-Windows-Security-Auditing", fields: ["EventID": "4625", "IpAddress": "198.51.100.4"], at: Double($0)) },
         (0..<5).map { E.make(app: "Microsoft-Windows-Security-Auditing", fields: ["EventID": "4625", "IpAddress": "198.51.100.\($0)"], at: Double($0)) }),
        ("Sustained Web Attack From One Source",
         (0..<20).map { i in var e = waf("block"); e.time = E.at(Double(i)); return e },
         (0..<19).map { i in var e = waf("block"); e.time = E.at(Double(i)); return e }),
    ]

    func testShippedPackLoadsStrictlyAndIsWellFormed() throws {
        let set = try RuleSet.shipped()
        XCTAssertTrue(set.skipped.isEmpty, "\(set.skipped)")
        XCTAssertGreaterThanOrEqual(set.rules.count, 20)
        XCTAssertGreaterThanOrEqual(set.correlations.count, 6)
        let uuid = try NSRegularExpression(pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        var ids = Set<String>()
        for info in set.allInfo {
            XCTAssertNotNil(uuid.firstMatch(in: info.id, range: NSRange(info.id.startIndex..., in: info.id)), "\(info.title): id \(info.id)")
            XCTAssertTrue(ids.insert(info.id).inserted, "duplicate id \(info.id)")
            XCTAssertTrue(info.tags.contains { $0.hasPrefix("attack.t") }, "\(info.title) lacks an ATT&CK technique tag")
            XCTAssertFalse(info.clauses.isEmpty, "\(info.title) lacks an mlps. tag")
            for clause in info.clauses {
                XCTAssertTrue(clause.rawValue.hasPrefix("8.1."), "\(info.title): \(clause.rawValue) is not a level-3 clause")
            }
            XCTAssertNotNil(info.titleZh, "\(info.title) lacks anyun.title_zh")
            XCTAssertNotNil(info.summaryTemplate, "\(info.title) lacks anyun.summary_zh")
            XCTAssertNotEqual(info.category, "other", "\(info.title) has no category")
            XCTAssertEqual(info.status, "stable", info.title)
        }
    }

    func testEveryShippedRuleHasCases() throws {
        let set = try RuleSet.shipped()
        let covered = Set(Self.detectionCases.map(\.title) + Self.correlationCases.map(\.title))
        for info in set.allInfo {
            XCTAssertTrue(covered.contains(info.title), "no positive/negative case for '\(info.title)'")
        }
    }

    func testDetectionRulesPositiveAndNegative() throws {
        let set = try RuleSet.shipped()
        for (title, positives, negatives) in Self.detectionCases {
            guard let rule = set.rules.first(where: { $0.info.title == title }) else {
                XCTFail("no shipped rule '\(title)'")
                continue
            }
            XCTAssertFalse(positives.isEmpty || negatives.isEmpty, title)
            for (i, e) in positives.enumerated() {
                XCTAssertTrue(rule.matches(e), "\(title): positive #\(i) (\(e.app ?? "-"): \(e.message) \(e.fields)) did not match")
            }
            for (i, e) in negatives.enumerated() {
                XCTAssertFalse(rule.matches(e), "\(title): negative #\(i) (\(e.app ?? "-"): \(e.message) \(e.fields)) matched")
            }
        }
    }

    func testCorrelationRulesPositiveAndNegative() throws {
        let set = try RuleSet.shipped()
        for (title, positive, negative) in Self.correlationCases {
            guard let rule = set.correlation(title) ?? set.correlations.first(where: { $0.info.title == title }) else {
                XCTFail("no shipped correlation '\(title)'")
                continue
            }
            var engine = DetectionEngine(rules: set)
            let fired = positive.flatMap { engine.process($0) }.filter { $0.ruleID == rule.info.id }
            XCTAssertEqual(fired.count, 1, "\(title): positive sequence fired \(fired.count) times")
            var quiet = DetectionEngine(rules: set)
            let none = negative.flatMap { quiet.process($0) }.filter { $0.ruleID == rule.info.id }
            XCTAssertTrue(none.isEmpty, "\(title): negative sequence fired: \(none.map(\.summary))")
        }
    }

    func testMatchCarriesWhatAnAlertNeeds() throws {
        var engine = DetectionEngine(rules: try RuleSet.shipped())
        var matches: [RuleMatch] = []
        for i in 0..<5 { matches += engine.process(E.sshFailure(from: "203.0.113.7", at: Double(i))) }
        XCTAssertEqual(matches.count, 1, "the base rule is silent (referenced, generate: false); only brute force fires")
        let m = try XCTUnwrap(matches.first)
        XCTAssertEqual(m.title, "SSH Brute Force")
        XCTAssertEqual(m.level, .high)
        XCTAssertEqual(m.category, "brute_force")
        XCTAssertEqual(m.groupKey, "src_ip=203.0.113.7")
        XCTAssertEqual(m.count, 5)
        XCTAssertEqual(m.time, E.at(4))
        XCTAssertEqual(m.windowStart, E.at(0))
        XCTAssertEqual(m.unitID, 3)
        XCTAssertEqual(m.systemID, 7)
        XCTAssertEqual(m.hostID, 42)
        XCTAssertEqual(m.correlation, .eventCount)
        XCTAssertEqual(m.summary, "来自 203.0.113.7 的 SSH 暴力破解：60秒内登录失败 5 次（主机 gov-web-01）")
        XCTAssertTrue(m.tags.contains("mlps.8.1.4.1"))
        XCTAssertEqual(m.clauses, [MLPSClause(rawValue: "8.1.4.1")])

        let alert = m.alert()
        XCTAssertEqual(alert.ruleID, m.ruleID)
        XCTAssertEqual(alert.groupKey, "src_ip=203.0.113.7")
        XCTAssertEqual(alert.firstSeen, E.at(0))
        XCTAssertEqual(alert.lastSeen, E.at(4))
        XCTAssertEqual(alert.severity, .high)
        XCTAssertEqual(alert.state, .new)
        let event = m.securityEvent()
        XCTAssertEqual(event.ruleID, m.ruleID)
        XCTAssertEqual(event.clauses, m.clauses)
        XCTAssertEqual(event.category, "brute_force")
    }

    func testDetectionMatchSummaryAndDefaults() throws {
        var engine = DetectionEngine(rules: try RuleSet.shipped())
        let m = try XCTUnwrap(engine.process(Self.sudo("/bin/bash -i")).first)
        XCTAssertEqual(m.summary, "alice 通过 sudo 以 root 身份执行：/bin/bash -i（主机 gov-web-01）")
        XCTAssertEqual(m.groupKey, "")
        XCTAssertEqual(m.count, 1)
        XCTAssertNil(m.correlation)
        XCTAssertEqual(m.category, "privilege_escalation")
        XCTAssertEqual(m.level, .medium)
    }

    func testGenerateTrueKeepsBaseAlertsOfAReferencedRule() throws {
        var engine = DetectionEngine(rules: try RuleSet.shipped())
        let out = engine.process(Self.waf("block"))
        XCTAssertEqual(out.map(\.title), ["WAF Blocked an Attack Request"])
        XCTAssertEqual(out.first?.summary, "WAF 拦截了来自 203.0.113.9 对 www.gov.example 的攻击（规则 942100,949110，异常分 15）")
    }

    /// Throughput of the whole shipped pack on one core over a realistic mix (printed, not asserted).
    func testThroughputOfShippedPack() throws {
        let set = try RuleSet.shipped()
        var engine = DetectionEngine(rules: set)
        var events: [LogEvent] = []
        var rng = SystemRandomNumberGenerator()
        for i in 0..<50_000 {
            let ip = "198.51.\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 1...254, using: &rng))"
            let t = Double(i) * 0.01
            switch i % 10 {
            case 0, 1: events.append(E.sshFailure(from: ip, user: "user\(i % 50)", at: t))
            case 2: events.append(E.sshSuccess(from: ip, user: "user\(i % 50)", at: t))
            case 3: events.append(Self.sudo("/usr/bin/systemctl status nginx", user: "anyun-ops"))
            case 4, 5: events.append(E.make(app: "nginx", message: "GET /index.html HTTP/1.1 200", fields: ["src_ip": ip, "url": "/index.html", "status": "200", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)"], at: t, decoder: "nginx"))
            case 6: events.append(Self.waf(i % 7 == 0 ? "block" : "detect", score: "3"))
            case 7: events.append(Self.audit(["type": "USER_LOGIN", "acct": "alice"]))
            case 8: events.append(E.make(app: "CRON", message: "(root) CMD (run-parts /etc/cron.hourly)", at: t))
            default: events.append(E.make(app: "systemd", message: "Started Session 42 of user alice.", at: t))
            }
        }
        var matched = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let rounds = 4
        for _ in 0..<rounds {
            for e in events { matched += engine.process(e).count }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = Double(events.count * rounds) / seconds
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        print("Sigma throughput (\(build) build): \(set.rules.count) rules + \(set.correlations.count) correlations, "
              + "\(events.count * rounds) events in \(String(format: "%.3f", seconds)) s = \(Int(rate)) events/s, \(matched) matches")
        XCTAssertGreaterThan(matched, 0)
    }
}
