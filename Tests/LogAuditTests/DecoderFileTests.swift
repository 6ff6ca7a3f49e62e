import Foundation
import XCTest
import LogAudit

/// Decoder files as operators write them: clear errors for mistakes, and operator files that
/// replace or switch off shipped decoders.
final class DecoderFileTests: XCTestCase {
    private func loadError(_ yaml: String, origin: String = "ops.yaml",
                           file: StaticString = #filePath, line: UInt = #line) -> DecoderError? {
        do {
            let defs = try DecoderSet.load(yaml: yaml, origin: origin)
            _ = try DecoderSet(definitions: defs)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let e as DecoderError {
            return e
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    private func assertError(_ yaml: String, decoder: String?, line: Int?, contains: [String],
                             file: StaticString = #filePath, at: UInt = #line) {
        guard let e = loadError(yaml, file: file, line: at) else { return }
        XCTAssertEqual(e.origin, "ops.yaml", file: file, line: at)
        XCTAssertEqual(e.decoder, decoder, "\(e)", file: file, line: at)
        if let line { XCTAssertEqual(e.line, line, "\(e)", file: file, line: at) }
        for c in contains { XCTAssertTrue(e.description.contains(c), "\(e.description) lacks \(c)", file: file, line: at) }
        XCTAssertTrue(e.description.hasPrefix("ops.yaml"), e.description, file: file, line: at)
    }

    func testUnknownCaptureType() {
        assertError("""
        decoders:
          - name: ok
            pattern: "a {x}"
          - name: bad-type
            pattern: "from {src_ip:ipv4} port {p:int}"
        """, decoder: "bad-type", line: 4, contains: ["unknown capture type 'ipv4'", "{src_ip:ipv4}", "known types: string, word, int, float, ip"])
    }

    func testUnbalancedBraces() {
        assertError("""
        decoders:
          - name: open
            pattern: "from {src_ip port"
        """, decoder: "open", line: 2, contains: ["unbalanced braces", "never closed", "column 6"])
        assertError("""
        decoders:
          - name: close
            pattern: "from } port"
        """, decoder: "close", line: 2, contains: ["unbalanced braces", "unexpected '}'", "'}}'"])
        assertError("""
        decoders:
          - name: group
            pattern: ["ok {a}", "x {?port {p}"]
        """, decoder: "group", line: 2, contains: ["pattern 2", "optional part", "never closed"])
        assertError("""
        decoders:
          - name: in-set
            pattern: "{a}"
            set: {x: "{a"}
        """, decoder: "in-set", line: 4, contains: ["set.x", "unbalanced braces"])
    }

    func testInvalidRegex() {
        assertError("""
        decoders:
          - name: rx
            regex: '(?<user>\\S+'
        """, decoder: "rx", line: 2, contains: ["invalid regex"])
        assertError("""
        decoders:
          - name: rx-unnamed
            regex: '(\\S+) from'
        """, decoder: "rx-unnamed", line: 2, contains: ["no named group"])
    }

    func testDuplicateNameWithinAFile() {
        assertError("""
        decoders:
          - name: twice
            pattern: "a {x}"
          - name: other
            pattern: "b {x}"
          - name: twice
            pattern: "c {x}"
        """, decoder: "twice", line: 6, contains: ["duplicate decoder name", "first defined at line 2"])
    }

    func testStructuralMistakes() {
        assertError("""
        decoders:
          - name: typo
            patern: "a {x}"
        """, decoder: "typo", line: 3, contains: ["unknown key 'patern'", "known: name"])
        assertError("""
        decoders:
          - pattern: "a {x}"
        """, decoder: nil, line: 2, contains: ["needs a 'name'"])
        assertError("""
        programs: [sshd]
        """, decoder: nil, line: nil, contains: ["missing the 'decoders' list"])
        assertError("""
        decoders: [
        """, decoder: nil, line: nil, contains: ["not valid YAML"])
        assertError("""
        decoders:
          - name: both
            pattern: "a {x}"
            regex: "(?<x>a)"
        """, decoder: "both", line: 2, contains: ["either 'pattern' or 'regex'"])
        assertError("""
        decoders:
          - name: nothing
            programs: [x]
        """, decoder: "nothing", line: 2, contains: ["needs a 'pattern'"])
        assertError("""
        decoders:
          - name: kv-from
            pattern: "a {x}"
            kv: {from: pairs}
        """, decoder: "kv-from", line: 2, contains: ["'kv.from' names 'pairs', which no pattern captures"])
        assertError("""
        decoders:
          - name: p
            pattern: "[{l}] {body...}"
          - name: c
            parent: p
            programs: [x]
            pattern: "{x}"
        """, decoder: "c", line: 4, contains: ["takes its programs from its parent"])
        assertError("""
        decoders:
          - name: dup-capture
            pattern: "{a} and {a}"
        """, decoder: "dup-capture", line: 2, contains: ["capture 'a' appears twice"])
        assertError("""
        decoders:
          - name: bad-rename
            pattern: "{a}"
            rename: {a: "b:ipv6"}
        """, decoder: "bad-rename", line: 2, contains: ["unknown type 'ipv6'"])
    }

    func testParentErrorsNameTheChild() {
        assertError("""
        decoders:
          - name: orphan
            parent: nowhere
            pattern: "{x}"
        """, decoder: "orphan", line: 2, contains: ["parent 'nowhere' is not defined"])
        assertError("""
        decoders:
          - name: p
            pattern: "[{l}] {rest...}"
          - name: c
            parent: p
            pattern: "{x}"
        """, decoder: "c", line: 4, contains: ["parent 'p' has no {body} capture"])
    }

    func testErrorsFromADirectoryNameTheFile() throws {
        let dir = try temporaryDirectory()
        try "decoders:\n  - name: a\n    pattern: \"{x:nope}\"\n".write(to: dir.appendingPathComponent("20-bad.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DecoderSet.load(directory: dir)) { error in
            XCTAssertTrue("\(error)".hasPrefix("20-bad.yaml:2: decoder 'a': pattern '{x:nope}': unknown capture type 'nope'"), "\(error)")
        }
    }

    func testOperatorFileReplacesAShippedDecoder() throws {
        let line = "Failed password for root from 112.95.230.3 port 45378 ssh2"
        let before = try DecoderSet.shipped().decode(app: "sshd", message: line)
        XCTAssertEqual(before?.decoder, "sshd-failed")
        XCTAssertNil(before?.fields["severity"])

        let dir = try temporaryDirectory()
        try """
        # Our sshd logs failures the same way; we also want a severity on them.
        decoders:
          - name: sshd-failed
            programs: [sshd]
            pattern: "Failed {auth_method:word} for {user...} from {src_ip:ip} port {src_port:int} {_}"
            set: {action: login, outcome: failure, severity: high}
        """.write(to: dir.appendingPathComponent("50-ours.yaml"), atomically: true, encoding: .utf8)
        try "not a decoder file".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)

        let set = try DecoderSet.shipped(operatorDirectory: dir)
        let after = set.decode(app: "sshd", message: line)
        XCTAssertEqual(after, DecodeResult(decoder: "sshd-failed", fields: [
            "auth_method": "password", "user": "root", "src_ip": "112.95.230.3", "src_port": "45378",
            "action": "login", "outcome": "failure", "severity": "high",
        ]))
        // The replacement keeps its place: the invalid-user decoder before it still wins its lines.
        XCTAssertEqual(set.decode(app: "sshd", message: "Failed password for invalid user bob from 10.0.0.1 port 2 ssh2")?.decoder,
                       "sshd-failed-invalid-user")
        XCTAssertEqual(set.names.filter { $0 == "sshd-failed" }.count, 1)
        XCTAssertEqual(set.names.firstIndex(of: "sshd-failed"), try DecoderSet.shipped().names.firstIndex(of: "sshd-failed"))
    }

    func testOperatorFileDisablesAndAddsDecoders() throws {
        let shipped = try DecoderSet.shippedDefinitions()
        let ops = try DecoderSet.load(yaml: """
        decoders:
          - name: generic-level
            disabled: true
          - name: myapp-login
            programs: [myapp]
            pattern: "login {outcome:ok|failed} for {user} from {src_ip:ip}"
            map:
              outcome: {values: {ok: success, failed: failure}}
            set: {action: login}
          # A child added to a shipped parent.
          - name: nginx-upstream-timeout
            parent: nginx-error
            pattern: "upstream timed out ({errno:int}: {reason}) while {phase}"
            set: {action: upstream_timeout}
        """, origin: "ops.yaml")
        let set = try DecoderSet(definitions: shipped + ops)
        XCTAssertNil(set.decode(app: "xinetd", message: "warning: can't get client address: Connection reset by peer"))
        XCTAssertFalse(set.names.contains("generic-level"))
        XCTAssertEqual(set.decode(app: "myapp", message: "login failed for bob from 10.0.0.7"),
                       DecodeResult(decoder: "myapp-login", fields: ["outcome": "failure", "user": "bob", "src_ip": "10.0.0.7", "action": "login"]))
        let r = set.decode(app: "nginx", message: "2024/03/01 10:00:00 [error] 1#1: *3 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.9, server: a, request: \"GET / HTTP/1.1\", host: \"a\"")
        XCTAssertEqual(r?.decoder, "nginx-upstream-timeout")
        XCTAssertEqual(r?.fields["src_ip"], "10.0.0.9")
        XCTAssertEqual(r?.fields["phase"], "reading response header from upstream")
    }

    func testShippedFilesLoadInNameOrder() throws {
        let defs = try DecoderSet.shippedDefinitions()
        let origins = defs.map(\.origin)
        XCTAssertEqual(origins, origins.sorted(), "files load in name order, decoders in file order")
        XCTAssertTrue(Set(origins).isSuperset(of: ["10-openssh.yaml", "45-auditd.yaml", "50-kernel.yaml", "81-apache.yaml"]))
        XCTAssertTrue(defs.allSatisfy { $0.line != nil })
    }

    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-decoders-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
