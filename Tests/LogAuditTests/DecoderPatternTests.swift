import AnyunCore
import XCTest
import LogAudit

/// The decoder language, one feature at a time, through the public API.
final class DecoderPatternTests: XCTestCase {
    private func decoders(_ yaml: String) throws -> DecoderSet {
        try DecoderSet(definitions: DecoderSet.load(yaml: yaml, origin: "test.yaml"))
    }

    /// One decoder with one pattern, for app "t".
    private func one(_ pattern: String, extra: String = "") throws -> DecoderSet {
        try decoders("""
        decoders:
          - name: d
            programs: [t]
            pattern: '\(pattern.replacingOccurrences(of: "'", with: "''"))'
        \(extra)
        """)
    }

    private func fields(_ set: DecoderSet, _ message: String, app: String = "t") -> [String: String]? {
        set.decode(app: app, message: message)?.fields
    }

    func testLazyAndGreedyCaptures() throws {
        XCTAssertEqual(fields(try one("{a} - {b}"), "x - y - z"), ["a": "x", "b": "y - z"])
        XCTAssertEqual(fields(try one("{a...} - {b}"), "x - y - z"), ["a": "x - y", "b": "z"])
    }

    func testWholeMessageMustMatchAfterTrimming() throws {
        let set = try one("hello {name}!")
        XCTAssertEqual(fields(set, "  hello world!\r\n"), ["name": "world"])
        XCTAssertNil(fields(set, "hello world! and more"))
        XCTAssertNil(fields(set, "say hello world!"))
    }

    func testBacktrackingPastLookAlikeDelimiters() throws {
        let set = try one("Invalid user {user} from {ip:ip}")
        XCTAssertEqual(fields(set, "Invalid user a from b from 10.0.0.1"), ["user": "a from b", "ip": "10.0.0.1"])
        XCTAssertNil(fields(set, "Invalid user a from b"))
    }

    func testIntAndFloat() throws {
        let set = try one("n={n:int} f={f:float}")
        XCTAssertEqual(fields(set, "n=-42 f=3.5"), ["n": "-42", "f": "3.5"])
        XCTAssertEqual(fields(set, "n=+7 f=1e6"), ["n": "7", "f": "1e6"])
        XCTAssertNil(fields(set, "n=4x2 f=1"))
        XCTAssertNil(fields(set, "n=1 f=1.2.3"))
        XCTAssertNil(fields(set, "n= f=1"))
        // Padding inside brackets, as the kernel writes its uptime.
        XCTAssertEqual(fields(try one("[{t:float}] {m}"), "[    2.345678] x"), ["t": "2.345678", "m": "x"])
    }

    func testIPAddresses() throws {
        let set = try one("ip {a:ip} end")
        for good in ["10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "2001:db8::7", "fe80::1:2:3:4",
                     "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8", "2001:DB8:0:0:8:800:200C:417A"] {
            XCTAssertEqual(fields(set, "ip \(good) end"), ["a": good], good)
        }
        for bad in ["256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1:2:3:4:5:6:7:8:9", "1::2::3", "gggg::1",
                    "12345::1", ":1", "1:", "host.example", "-"] {
            XCTAssertNil(fields(set, "ip \(bad) end"), bad)
        }
    }

    func testWordAndChoice() throws {
        let set = try one("{w:word} is {c:on|off|stand by}")
        XCTAssertEqual(fields(set, "lamp is on"), ["w": "lamp", "c": "on"])
        XCTAssertEqual(fields(set, "lamp is stand by"), ["w": "lamp", "c": "stand by"])
        XCTAssertNil(fields(set, "lamp is dim"))
        XCTAssertNil(fields(set, "the lamp is on"))
    }

    func testAbsentValues() throws {
        let set = try one("{user?} {bytes:int?} {path}")
        XCTAssertEqual(fields(set, "- - /x"), ["path": "/x"])
        XCTAssertEqual(fields(set, "bob 12 -"), ["user": "bob", "bytes": "12", "path": "-"])
        // Without '?', "-" is a value (and fails an int).
        XCTAssertNil(fields(try one("{bytes:int}"), "-"))
    }

    func testSkippedCapturesAndLiteralBraces() throws {
        XCTAssertEqual(fields(try one("{_} said {{{what}}}"), "bob said {hi}"), ["what": "hi"])
        XCTAssertEqual(fields(try one("{_when} {who}"), "today alice"), ["who": "alice"])
    }

    func testOptionalParts() throws {
        let set = try one("closed by {ip:ip}{? port {port:int}}{? [preauth]}")
        XCTAssertEqual(fields(set, "closed by 10.0.0.1"), ["ip": "10.0.0.1"])
        XCTAssertEqual(fields(set, "closed by 10.0.0.1 port 22"), ["ip": "10.0.0.1", "port": "22"])
        XCTAssertEqual(fields(set, "closed by 10.0.0.1 [preauth]"), ["ip": "10.0.0.1"])
        XCTAssertEqual(fields(set, "closed by 10.0.0.1 port 22 [preauth]"), ["ip": "10.0.0.1", "port": "22"])
        XCTAssertNil(fields(set, "closed by 10.0.0.1 port x"))
        // Nested, and two optional parts in a row that must not run into each other.
        let nested = try one("[{?{module:word}:}{level:word}]{? [pid {pid:int}{?:tid {tid:int}}]} {msg}")
        XCTAssertEqual(fields(nested, "[core:error] [pid 7:tid 9] boom"), ["module": "core", "level": "error", "pid": "7", "tid": "9", "msg": "boom"])
        XCTAssertEqual(fields(nested, "[notice] boom"), ["level": "notice", "msg": "boom"])
        let twoInARow = try one("by {?rule}{?Options directive}: {path}")
        XCTAssertEqual(fields(twoInARow, "by rule: /x"), ["path": "/x"])
        XCTAssertEqual(fields(twoInARow, "by Options directive: /y"), ["path": "/y"])
    }

    func testAlternativePatternsInOrder() throws {
        let set = try decoders("""
        decoders:
          - name: d
            programs: [t]
            pattern: ["{a:int} {b}", "{c} {d}"]
        """)
        XCTAssertEqual(fields(set, "1 x"), ["a": "1", "b": "x"])
        XCTAssertEqual(fields(set, "y x"), ["c": "y", "d": "x"])
    }

    func testPrematch() throws {
        let set = try decoders("""
        decoders:
          - name: d
            programs: [t]
            prematch: "needle"
            pattern: "{a} {b}"
          - name: only-prematch
            programs: [t]
            prematch: "haystack"
            set: {seen: "yes"}
        """)
        XCTAssertNil(fields(set, "no match"))
        XCTAssertEqual(set.decode(app: "t", message: "needle here")?.decoder, "d")
        XCTAssertEqual(set.decode(app: "t", message: "a haystack")?.fields, ["seen": "yes"])
    }

    func testKeyValuePairs() throws {
        let set = try decoders("""
        decoders:
          - name: audit
            programs: [t]
            pattern: "type={type:word} {pairs}"
            kv: {from: pairs, expand: [msg], hex: [acct, "a#"], absent: ["?"], bare: flags}
        """)
        let f = fields(set, #"type=X pid=1 name="a b" msg='op=login acct="root" addr=?' DF SYN a0=6C73 acct2=6C73 empty="#)
        XCTAssertEqual(f, ["type": "X", "pid": "1", "name": "a b", "op": "login", "acct": "root", "a0": "ls",
                           "acct2": "6C73", "flags": "DF SYN"])
        XCTAssertEqual(fields(set, "type=Y acct=726F6F7420"), ["type": "Y", "acct": "root"])
    }

    func testKeyValueSeparatorAndAssign() throws {
        let set = try decoders("""
        decoders:
          - name: d
            programs: [t]
            pattern: "{msg} -- {pairs}"
            kv: {from: pairs, separator: ", ", assign: ": "}
        """)
        XCTAssertEqual(fields(set, #"oops -- client: 1.2.3.4, server: a b, request: "GET / HTTP/1.1", host: "h""#),
                       ["msg": "oops", "client": "1.2.3.4", "server": "a b", "request": "GET / HTTP/1.1", "host": "h"])
    }

    func testKeyValueOnlyDecoderNeedsAPair() throws {
        let set = try decoders("""
        decoders:
          - name: d
            programs: [t]
            kv: true
        """)
        XCTAssertEqual(fields(set, "a=1 b=2"), ["a": "1", "b": "2"])
        XCTAssertNil(fields(set, "no pairs here"))
    }

    func testJSONFlattening() throws {
        let set = try decoders("""
        decoders:
          - name: j
            programs: [t]
            json: true
            rename: {"fields.*": "*"}
        """)
        let f = fields(set, #"{"a":{"b":1,"c":[1,2]},"d":true,"e":null,"f":1.5,"g":[{"h":"x"}],"fields":{"src_ip":"10.0.0.1"},"s":"中文"}"#)
        XCTAssertEqual(f, ["a.b": "1", "a.c": "1,2", "d": "true", "f": "1.5", "g.0.h": "x", "src_ip": "10.0.0.1", "s": "中文"])
        XCTAssertNil(fields(set, "[1,2]"))
        XCTAssertNil(fields(set, "{oops"))
    }

    func testRenameWithTypesAndSwaps() throws {
        let set = try one("{user} {ruser} {rhost}", extra: "    rename: {user: target_user, ruser: user, rhost: [src_ip:ip, src_host]}")
        XCTAssertEqual(fields(set, "root alice 10.0.0.9"), ["target_user": "root", "user": "alice", "src_ip": "10.0.0.9"])
        XCTAssertEqual(fields(set, "root alice gw.example"), ["target_user": "root", "user": "alice", "src_host": "gw.example"])
    }

    func testMapSetDropAndTemplates() throws {
        let set = try decoders("""
        decoders:
          - name: d
            programs: [t]
            pattern: "{res} {code} {who?}"
            map:
              outcome: {from: [missing, res], values: {ok: success, bad: failure}, default: unknown}
              code: {values: {"0": ""}}
            set: {action: login, service: "{svc|app}", greeting: "hi {who}", tag: "{{literal}}"}
            drop: [res]
        """)
        XCTAssertEqual(fields(set, "ok 0 bob"), ["outcome": "success", "action": "login", "service": "t", "who": "bob",
                                                  "greeting": "hi bob", "tag": "{literal}"])
        // "-" leaves `who` absent, so the template that needs it sets nothing.
        XCTAssertEqual(fields(set, "weird 7 -"), ["outcome": "unknown", "code": "7", "action": "login", "service": "t",
                                                   "tag": "{literal}"])
    }

    func testParseAndJoin() throws {
        let set = try decoders("""
        decoders:
          - name: d
            programs: [t]
            pattern: '"{request}" {pairs}'
            kv: {from: pairs}
            parse: {request: "{method:word} {url} {version:word}"}
            join: {command: "a#"}
        """)
        XCTAssertEqual(fields(set, #""GET /a b HTTP/1.1" argc=3 a0=ls a2=/tmp a1=-l a10=x"#),
                       ["method": "GET", "url": "/a b", "version": "HTTP/1.1", "argc": "3", "command": "ls -l /tmp x"])
        // A request that does not parse stays as it is.
        XCTAssertEqual(fields(set, #""\x16\x03" a0=x"#), ["request": #"\x16\x03"#, "command": "x"])
    }

    func testParentsAndChildren() throws {
        let set = try decoders("""
        decoders:
          - name: parent
            programs: [t]
            pattern: "[{level:word}] {body...}"
            set: {category: web}
          - name: child-deny
            parent: parent
            pattern: "denied: {path}"
            set: {action: deny}
          - name: child-level
            parent: parent
            pattern: "level is {value}"
            set: {category: override, from_parent: "{level}"}
        """)
        XCTAssertEqual(set.decode(app: "t", message: "[error] denied: /x"),
                       DecodeResult(decoder: "child-deny", fields: ["level": "error", "category": "web", "path": "/x", "action": "deny"]))
        XCTAssertEqual(set.decode(app: "t", message: "[warn] level is 3"),
                       DecodeResult(decoder: "child-level", fields: ["level": "warn", "category": "override", "value": "3", "from_parent": "warn"]))
        XCTAssertEqual(set.decode(app: "t", message: "[info] something else"),
                       DecodeResult(decoder: "parent", fields: ["level": "info", "category": "web"]))
        XCTAssertNil(set.decode(app: "t", message: "denied: /x"), "children only run inside their parent")
    }

    func testProgramOrderExactThenPrefixThenAny() throws {
        let set = try decoders("""
        decoders:
          - name: any
            pattern: "{x}"
          - name: prefix
            programs: ["post*"]
            pattern: "{x}"
          - name: exact
            programs: [postgres]
            pattern: "{x}"
          - name: exact-int
            programs: [postgres]
            pattern: "{x:int}"
        """)
        XCTAssertEqual(set.decode(app: "postgres", message: "1")?.decoder, "exact")
        XCTAssertEqual(set.decode(app: "Postgres[42]", message: "1")?.decoder, "exact")
        XCTAssertEqual(set.decode(app: "postgresql", message: "1")?.decoder, "prefix")
        XCTAssertEqual(set.decode(app: "nginx", message: "1")?.decoder, "any")
        XCTAssertEqual(set.decode(app: nil, message: "1")?.decoder, "any")
    }

    func testRegexEscapeHatch() throws {
        let set = try decoders(#"""
        decoders:
          - name: rx
            programs: [t]
            regex: '^用户 (?<user>\S+) 从 (?<src_ip>[0-9.]+) 登录(?<rest>.*)$'
        """#)
        XCTAssertEqual(fields(set, "用户 张三 从 10.1.2.3 登录"), ["user": "张三", "src_ip": "10.1.2.3"])
        XCTAssertNil(fields(set, "user x from 1.2.3.4"))
    }

    func testMultiByteTextAroundCaptures() throws {
        let set = try one("用户 {user} 登录失败，来源 {src_ip:ip}")
        XCTAssertEqual(fields(set, "用户 张三 登录失败，来源 10.0.0.8"), ["user": "张三", "src_ip": "10.0.0.8"])
    }
}

final class DecoderLogEventTests: XCTestCase {
    func testDecodingAnEventKeepsStructuredData() throws {
        let set = try DecoderSet(definitions: DecoderSet.load(yaml: """
        decoders:
          - name: d
            programs: [t]
            pattern: "user {user}"
        """, origin: "t.yaml"))
        var event = LogEvent(time: 1, received: 1, transport: .udp, app: "t", message: "user bob",
                             fields: ["sd.origin.ip": "10.0.0.1"])
        XCTAssertTrue(set.decode(&event))
        XCTAssertEqual(event.decoder, "d")
        XCTAssertEqual(event.fields, ["sd.origin.ip": "10.0.0.1", "user": "bob"])
        var other = LogEvent(time: 1, received: 1, transport: .udp, app: "t", message: "nobody here")
        XCTAssertFalse(set.decode(&other))
        XCTAssertNil(other.decoder)
        XCTAssertEqual(other.fields, [:])
    }
}
