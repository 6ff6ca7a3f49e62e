import AnyunCore
import Foundation
import XCTest
@testable import LogAudit

final class QueryParserTests: XCTestCase {
    private func parsed(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            return try SearchQuery(parsing: text).description
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return ""
        }
    }

    private func assertError(_ text: String, _ message: String, column: Int, limits: QueryLimits = .standard,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            let query = try SearchQuery(parsing: text, limits: limits)
            XCTFail("\(text.prefix(80)) parsed as \(query.description.prefix(80))", file: file, line: line)
        } catch {
            XCTAssertTrue(error.message.hasPrefix(message), "\(text.prefix(80)): got '\(error.message)'", file: file, line: line)
            XCTAssertTrue(error.chineseMessage.hasSuffix("（\(error.message)）")
                            && error.chineseMessage.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) },
                          "every syntax error reads in Chinese on the console: \(error.chineseMessage)", file: file, line: line)
            XCTAssertEqual(error.column, column, "\(text.prefix(80)): \(error)", file: file, line: line)
        }
    }

    private func term(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> SearchTerm? {
        guard case .term(let term)? = try? SearchQuery(parsing: text) else {
            XCTFail("\(text) is not a single term", file: file, line: line)
            return nil
        }
        return term
    }

    /// Microseconds of an ISO 8601 time with zone, through Foundation (not the parser under test).
    private func micros(_ iso: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        return LogEvent.microseconds(formatter.date(from: iso)!)
    }

    // MARK: - precedence and operators

    func testPrecedenceNotAndOr() {
        XCTAssertEqual(parsed("a OR b c"), #"(text:"a" OR (text:"b" AND text:"c"))"#)
        XCTAssertEqual(parsed("a b OR c"), #"((text:"a" AND text:"b") OR text:"c")"#)
        XCTAssertEqual(parsed("NOT a AND b"), #"(NOT text:"a" AND text:"b")"#)
        XCTAssertEqual(parsed("NOT (a AND b)"), #"NOT (text:"a" AND text:"b")"#)
        XCTAssertEqual(parsed("a AND b OR c AND d"), #"((text:"a" AND text:"b") OR (text:"c" AND text:"d"))"#)
        XCTAssertEqual(parsed("a AND (b OR c)"), #"(text:"a" AND (text:"b" OR text:"c"))"#)
        XCTAssertEqual(parsed("a OR (b OR c)"), #"(text:"a" OR text:"b" OR text:"c")"#, "same operators flatten")
        XCTAssertEqual(parsed("NOT NOT a"), #"NOT NOT text:"a""#)
    }

    func testOperatorSpellings() {
        XCTAssertEqual(parsed("a and b or c"), #"((text:"a" AND text:"b") OR text:"c")"#, "case-insensitive")
        XCTAssertEqual(parsed("a && b || !c"), #"((text:"a" AND text:"b") OR NOT text:"c")"#)
        XCTAssertEqual(parsed("-user:root"), #"NOT user="root""#)
        XCTAssertEqual(parsed("error -timeout"), #"(text:"error" AND NOT text:"timeout")"#)
        XCTAssertEqual(parsed("(app:sshd OR app:sudo) AND NOT outcome:success"),
                       #"((app="sshd" OR app="sudo") AND NOT outcome="success")"#)
        XCTAssertEqual(parsed(#""Failed password" NOT user:root"#), #"(text:"failed password" AND NOT user="root")"#)
        XCTAssertEqual(parsed("\\AND"), #"text:"and""#, "an escaped keyword is a word")
        XCTAssertEqual(parsed("user:AND"), #"user="AND""#, "after a field, AND is a value")
    }

    func testEmptyAndBlankQueriesMatchEverything() throws {
        XCTAssertEqual(try SearchQuery(parsing: ""), .all)
        XCTAssertEqual(try SearchQuery(parsing: " \t\n\u{3000}"), .all)
        XCTAssertEqual(parsed("*"), "text:*")
    }

    // MARK: - field terms

    func testFieldValuesAreTypedForTheirField() {
        XCTAssertEqual(parsed("app:sshd AND outcome:failure"), #"(app="sshd" AND outcome="failure")"#)
        XCTAssertEqual(parsed("host:web-01"), #"host="web-01""#)
        XCTAssertEqual(parsed("hostname:web-01"), #"host="web-01""#, "header alias")
        XCTAssertEqual(parsed("program:sshd"), #"app="sshd""#)
        XCTAssertEqual(parsed("status:500"), #"status="500""#, "a decoded field's exact value is text")
        XCTAssertEqual(parsed(#"unit:"市公安局""#), #"unit:name("市公安局")"#)
        XCTAssertEqual(parsed("unit:市公安局*"), #"unit:name("市公安局*")"#)
        XCTAssertEqual(parsed(#"system:OA\*系统"#), #"system:name("OA\\*系统")"#, "escaped star reaches the resolver escaped")
        XCTAssertEqual(parsed("transport:t*"), "transport:{tcp,tls}")
        XCTAssertEqual(parsed("transport:UDP"), "transport:{udp}")
        XCTAssertEqual(parsed("severity:err"), "severity:[3 TO 3]")
        XCTAssertEqual(parsed("facility:local7"), "facility:[23 TO 23]")
        XCTAssertEqual(parsed("seq:42"), "seq:[42 TO 42]")
        XCTAssertEqual(parsed("procid:12*"), #"procid~"12*""#)
        XCTAssertEqual(parsed("_exists_:user"), "user:*")
        XCTAssertEqual(parsed("_exists_:severity"), "severity:*")
        XCTAssertEqual(parsed("user:*"), "user:*")
        XCTAssertEqual(parsed("sd.origin.ip:10.1.2.3"), "sd.origin.ip=ip(10.1.2.3)")
    }

    func testWildcards() {
        XCTAssertEqual(parsed("user:adm*"), #"user~"adm*""#)
        XCTAssertEqual(parsed("user:?oot"), #"user~"?oot""#)
        XCTAssertEqual(parsed("user:a*b?c"), #"user~"a*b?c""#)
        XCTAssertEqual(parsed(#"user:x\*y"#), #"user="x*y""#, "escaped star is literal")
        XCTAssertEqual(parsed(#"user:x\?"#), #"user="x?""#)
        XCTAssertEqual(parsed(#"user:"adm*""#), #"user="adm*""#, "quotes make wildcards literal")
        guard case .wildcard(let pattern)? = term(#"user:a\[*"#)?.predicate else { return XCTFail("not a wildcard") }
        XCTAssertEqual(pattern.glob, "a[[]*")
        XCTAssertTrue(pattern.isPrefixOnly)
        XCTAssertEqual(pattern.literalPrefix, "a[")
    }

    func testRangesAndComparisons() {
        XCTAssertEqual(parsed("status:[500 TO 599]"), "status:[500 TO 599]")
        XCTAssertEqual(parsed("status:{500 TO 599]"), "status:{500 TO 599]")
        XCTAssertEqual(parsed("status:[500 to 599}"), "status:[500 TO 599}", "TO is case-insensitive")
        XCTAssertEqual(parsed("status:>=500"), "status:[500 TO *]")
        XCTAssertEqual(parsed("status:>500"), "status:{500 TO *]")
        XCTAssertEqual(parsed("bytes:<1000"), "bytes:[* TO 1000}")
        XCTAssertEqual(parsed("severity:<=3"), "severity:[* TO 3]")
        XCTAssertEqual(parsed("severity:<=warning"), "severity:[* TO 4]")
        XCTAssertEqual(parsed("latency:[0.5 TO 2.25]"), "latency:[0.5 TO 2.25]")
        XCTAssertEqual(parsed("status:[* TO *]"), "status:*")
        XCTAssertEqual(parsed("user:[a TO m]"), #"user:["a" TO "m"]"#, "non-numeric bounds compare as text")
        XCTAssertEqual(parsed(#"user:["a b" TO "c\"d"}"#), #"user:["a b" TO "c\"d"}"#)
        XCTAssertEqual(parsed("src_ip:[10.0.0.1 TO 10.0.0.9]"),
                       "src_ip#ip[00000000000000000000ffff0a000001 TO 00000000000000000000ffff0a000009]")
        XCTAssertEqual(parsed("src_ip:{10.0.0.1 TO 10.0.0.9}"),
                       "src_ip#ip[00000000000000000000ffff0a000002 TO 00000000000000000000ffff0a000008]")
        XCTAssertEqual(parsed("(status:>=500 OR status:<200) -app:nginx"),
                       #"((status:[500 TO *] OR status:[* TO 200}) AND NOT app="nginx")"#)
    }

    func testCIDRAndIPv6ValuesKeepTheirColons() {
        XCTAssertEqual(parsed("src_ip:10.0.0.0/8"),
                       "src_ip#ip[00000000000000000000ffff0a000000 TO 00000000000000000000ffff0affffff]")
        XCTAssertEqual(parsed("src_ip:2001:db8::/32"),
                       "src_ip#ip[20010db8000000000000000000000000 TO 20010db8ffffffffffffffffffffffff]")
        XCTAssertEqual(parsed("src_ip:2001:db8::/32 AND app:sshd"),
                       "(src_ip#ip[20010db8000000000000000000000000 TO 20010db8ffffffffffffffffffffffff] AND app=\"sshd\")")
        XCTAssertEqual(parsed("dst_ip:fe80::1"), "dst_ip=ip(fe80::1)")
        XCTAssertEqual(parsed("src_ip:0.0.0.0/0"),
                       "src_ip#ip[00000000000000000000ffff00000000 TO 00000000000000000000ffffffffffff]", "all IPv4")
        XCTAssertEqual(parsed("source:::ffff:10.1.2.3"), "source=ip(::ffff:10.1.2.3)")
        XCTAssertEqual(parsed("path:a/b"), #"path="a/b""#, "a slash alone does not make a CIDR")
        XCTAssertEqual(parsed("date:2024/11"), #"date="2024/11""#)
    }

    func testTimes() throws {
        let now: Int64 = 1_795_572_000_000_000
        func interval(_ text: String) -> (Int64?, Int64?) {
            guard case .times(let range)? = term(text)?.predicate else {
                XCTFail("\(text) is not a time term")
                return (nil, nil)
            }
            return range.interval(now: now)
        }
        let window = interval("time:[2026-11-25T08:00 TO 2026-11-25T09:00]")
        XCTAssertEqual(window.0, micros("2026-11-25T08:00:00+08:00"), "zone-less times are Beijing time")
        XCTAssertEqual(window.1, micros("2026-11-25T09:01:00+08:00"), "an inclusive upper minute includes that minute")
        let exclusive = interval("time:{2026-11-25T08:00 TO 2026-11-25T09:00}")
        XCTAssertEqual(exclusive.0, micros("2026-11-25T08:01:00+08:00"))
        XCTAssertEqual(exclusive.1, micros("2026-11-25T09:00:00+08:00"))
        let day = interval("time:2026-11-25")
        XCTAssertEqual(day.0, micros("2026-11-24T16:00:00Z"))
        XCTAssertEqual(day.1, micros("2026-11-25T16:00:00Z"))
        let utc = interval(#"time:"2026-11-25 08:00:00Z""#)
        XCTAssertEqual(utc.0, micros("2026-11-25T08:00:00Z"))
        XCTAssertEqual(utc.1, micros("2026-11-25T08:00:01Z"))
        let offset = interval("time:>=2026-11-25T08:00:00.25-05:00")
        XCTAssertEqual(offset.0, micros("2026-11-25T13:00:00Z") + 250_000)
        XCTAssertNil(offset.1)
        XCTAssertEqual(interval("time:>now-15m").0, now - 900_000_000 + 1)
        XCTAssertEqual(interval("time:>=now-2h").0, now - 7_200_000_000)
        XCTAssertEqual(interval("time:<now-7d").1, now - 604_800_000_000)
        XCTAssertEqual(interval("received:[now-1h+30m TO now]").0, now - 1_800_000_000)
        XCTAssertEqual(interval("time:2024-02-29").0, micros("2024-02-28T16:00:00Z"), "leap day")
        XCTAssertEqual(interval("time:now").0, now)
    }

    func testFullTextWordsPhrasesAndChinese() {
        XCTAssertEqual(parsed("error timeout"), #"(text:"error" AND text:"timeout")"#)
        XCTAssertEqual(parsed(#"message:"connection reset""#), #"text:"connection reset""#)
        XCTAssertEqual(parsed("msg:reset*"), #"text:"reset"*"#)
        XCTAssertEqual(parsed("Failed*"), #"text:"failed"*"#)
        XCTAssertEqual(parsed("10.1.2.3"), #"text:"10 1 2 3""#, "a bare address is the phrase of its tokens")
        XCTAssertEqual(parsed("登录 失败"), #"(text:"登录" AND text:"失败")"#)
        XCTAssertEqual(parsed("登录\u{3000}失败"), #"(text:"登录" AND text:"失败")"#, "ideographic space separates")
        XCTAssertEqual(parsed("用户admin登录失败，原因"), #"text:"用户 admin 登录失败原因""#, "Chinese characters are tokens of their own")
        XCTAssertEqual(parsed(#""say \"NEAR\" now""#), #"text:"say near now""#, "escaped quotes inside a phrase")
        XCTAssertEqual(parsed("Déjà"), #"text:"deja""#)
        XCTAssertEqual(parsed(#""'; DROP TABLE event; --""#), #"text:"drop table event""#)
        XCTAssertEqual(parsed(#"NEAR(a b) col:val"#), #"(text:"near" AND text:"a" AND text:"b" AND col="val")"#)
    }

    func testFieldGroupsApplyTheFieldInside() {
        XCTAssertEqual(parsed("app:(sshd OR sudo)"), #"(app="sshd" OR app="sudo")"#)
        XCTAssertEqual(parsed("user:(root -admin)"), #"(user="root" AND NOT user="admin")"#)
        XCTAssertEqual(parsed(#"user:("a b" OR adm*) host:x"#), #"((user="a b" OR user~"adm*") AND host="x")"#)
        XCTAssertEqual(parsed("status:([500 TO 599] OR 302)"), #"(status:[500 TO 599] OR status="302")"#)
    }

    func testEscapes() {
        XCTAssertEqual(parsed(#"user:o\"brien"#), #"user="o\"brien""#)
        XCTAssertEqual(parsed(#"user:a\ b"#), #"user="a b""#)
        XCTAssertEqual(parsed(#"user:a\\b"#), #"user="a\\b""#)
        XCTAssertEqual(parsed(#"path:\(x\)"#), #"path="(x)""#)
        XCTAssertEqual(parsed(#"user:"'; DROP TABLE event; --""#), #"user="'; DROP TABLE event; --""#)
    }

    // MARK: - errors

    func testErrorsNameTheProblemAndColumn() {
        assertError("(app:sshd OR app:sudo", "unbalanced parenthesis", column: 1)
        assertError("app:sshd)", "unbalanced parenthesis", column: 9)
        assertError("(a OR (b AND c) OR d", "unbalanced parenthesis", column: 1)
        assertError("status:[500 599]", "range needs TO", column: 13)
        assertError("status:[500 TO 599", "unterminated range", column: 8)
        assertError("status:[500 TO 599)", "range needs ] or }", column: 19)
        assertError("status:[5* TO 6]", "a range bound cannot hold wildcards", column: 9)
        assertError("src_ip:10.0.0.0/33", "invalid CIDR 10.0.0.0/33", column: 8)
        assertError("src_ip:2001:db8::/129", "invalid CIDR 2001:db8::/129", column: 8)
        assertError("src_ip:10.0.0/8", "invalid CIDR 10.0.0/8", column: 8)
        assertError("src_ip:10.0.0.0/x", "invalid CIDR", column: 8)
        assertError(#""unterminated"#, "unterminated quote", column: 1)
        assertError(#"a "b"c"#, "expected a space after the closing quote", column: 6)
        assertError(#"user:o"brien"#, "unexpected quote inside a word", column: 7)
        assertError(#"abc\"#, "dangling backslash", column: 4)
        assertError("a AND", "expected a term after AND", column: 6)
        assertError("a AND OR b", "expected a term after AND", column: 7)
        assertError("OR a", "expected a term before OR", column: 1)
        assertError("NOT", "expected a term after NOT", column: 4)
        assertError("()", "empty parentheses", column: 1)
        assertError("a - b", "'-' must be followed directly by a term", column: 3)
        assertError("user:", "field 'user' needs a value", column: 6)
        assertError("user: root", "field 'user' needs a value", column: 6)
        assertError("time:yesterday", "invalid time 'yesterday'", column: 6)
        assertError("time:2026-02-29", "invalid time", column: 6)
        assertError("time:now-15M", "invalid time", column: 6)
        assertError("time:now-99999999999d", "invalid time", column: 6)
        assertError("time:2026-11-25T24:00", "invalid time", column: 6)
        assertError("time:2026-11-25Z", "invalid time", column: 6)
        assertError("time:2026*", "time takes no wildcards", column: 6)
        assertError("severity:loud", "severity needs a number", column: 10)
        assertError("severity:[1 TO x]", "severity needs a number", column: 16)
        assertError("transport:pigeon", "unknown transport 'pigeon'", column: 11)
        assertError("unit:[a TO b]", "unit cannot take a range", column: 6)
        assertError("fail*ed", "full-text search takes only a trailing *", column: 1)
        assertError("?oot", "full-text search takes only a trailing *", column: 1)
        assertError("[1 TO 2]", "full-text search cannot take a range", column: 1)
        assertError("x >5", "full-text search cannot take a range", column: 3)
        assertError("status:>", "comparison needs a value", column: 9)
        assertError("status:>=*", "comparison needs a value", column: 10)
        assertError(";;; ok", "no searchable word in ';;;'", column: 1)
        assertError("'; DROP TABLE event; --", "'-' must be followed directly by a term", column: 23)
        assertError("'; DROP TABLE event", "no searchable word in '';'", column: 1)
        assertError("DROP TABLE event; --", "'-' must be followed directly by a term", column: 20)
        assertError(#"message:"%%""#, "no searchable word", column: 9)
        assertError("_exists_:us*", "_exists_ needs a field name", column: 10)
        assertError("用户 AND (登录", "unbalanced parenthesis", column: 8)
        assertError("登录 AND 失败)", "unbalanced parenthesis", column: 10)
    }

    func testErrorDescriptionReadsWithColumn() {
        XCTAssertThrowsError(try SearchQuery(parsing: "(a")) { error in
            XCTAssertEqual((error as? QuerySyntaxError)?.description, "unbalanced parenthesis at column 1")
            XCTAssertEqual((error as? LocalizedError)?.errorDescription, "unbalanced parenthesis at column 1")
        }
    }

    // MARK: - limits

    func testLengthLimit() throws {
        let fits = "\"" + String(repeating: "a", count: 4094) + "\""
        XCTAssertEqual(fits.utf8.count, 4096)
        XCTAssertNoThrow(try SearchQuery(parsing: fits))
        assertError(fits + " ", "query is 4097 bytes, longer than the limit of 4096", column: 1)
        let chinese = String(repeating: "登", count: 1366) // 3 bytes each: 4098
        assertError(chinese, "query is 4098 bytes", column: 1)
    }

    func testDepthLimit() {
        let deep = { (n: Int) in String(repeating: "(", count: n) + "a" + String(repeating: ")", count: n) }
        XCTAssertEqual(parsed(deep(32)), #"text:"a""#)
        assertError(deep(33), "query nests deeper than 32 levels", column: 33)
        XCTAssertEqual(parsed(String(repeating: "NOT ", count: 32) + "a").components(separatedBy: "NOT").count, 33)
        assertError(String(repeating: "-", count: 33) + "a", "query nests deeper than 32 levels", column: 33)
        assertError("(((a)))", "query nests deeper than 2 levels", column: 3, limits: QueryLimits(maxDepth: 2))
    }

    func testTermLimit() {
        let words = (1...64).map { "w\($0)" }
        XCTAssertNoThrow(try SearchQuery(parsing: words.joined(separator: " ")))
        let text = (words + ["w65"]).joined(separator: " ")
        let column = words.joined(separator: " ").unicodeScalars.count + 2
        assertError(text, "query has more than 64 terms", column: column)
        assertError("app:(a OR b OR c)", "query has more than 2 terms", column: 16, limits: QueryLimits(maxTerms: 2))
    }

    // MARK: - pieces

    func testWildcardSuccessorBoundsEveryPrefix() {
        XCTAssertEqual(QueryWildcard.successor(of: "adm"), "adn")
        XCTAssertEqual(QueryWildcard.successor(of: "市公安"), "市公宊")
        XCTAssertEqual(QueryWildcard.successor(of: "a\u{10FFFF}"), "b")
        XCTAssertEqual(QueryWildcard.successor(of: "\u{D7FF}"), "\u{E000}", "skips surrogates")
        XCTAssertNil(QueryWildcard.successor(of: "\u{10FFFF}\u{10FFFF}"))
        for prefix in ["adm", "a\u{10FFFF}", "市公安", "z\u{7F}"] {
            let upper = QueryWildcard.successor(of: prefix)!
            for candidate in [prefix, prefix + "x", prefix + "\u{10FFFF}", prefix + "\u{10FFFF}\u{10FFFF}zz"] {
                XCTAssertLessThan(QueryText.compare(candidate, upper), 0, "\(candidate) < \(upper)")
            }
        }
    }

    func testWildcardMatchingIsGlobOverScalars() {
        let pattern = QueryWildcard(escaped: "a*b?c")
        XCTAssertTrue(pattern.matches("abxc"))
        XCTAssertTrue(pattern.matches("a--b市c"))
        XCTAssertFalse(pattern.matches("abc"))
        XCTAssertFalse(pattern.matches("Abxc"), "case-sensitive like GLOB")
        XCTAssertTrue(QueryWildcard(escaped: #"OA\*系统"#).matches("OA*系统"))
        XCTAssertFalse(QueryWildcard(escaped: #"OA\*系统"#).matches("OAB系统"))
        XCTAssertTrue(QueryWildcard(escaped: "*").matches(""))
        XCTAssertEqual(QueryWildcard(escaped: #"x\*y*"#).glob, "x[*]y*")
        XCTAssertEqual(QueryWildcard(escaped: #"x\*y*"#).escapedText, #"x\*y*"#)
    }

    func testNumericLookIsStrict() {
        for text in ["0", "500", "-1", "007", "1.5", "-0.25"] { XCTAssertTrue(QueryText.looksNumeric(text), text) }
        for text in ["", "-", "1.", ".5", "1.2.3", "5e2", "+1", "1 ", "--1", "1-2", "٣"] {
            XCTAssertFalse(QueryText.looksNumeric(text), text)
        }
    }
}
