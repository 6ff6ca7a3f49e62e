import Foundation
import GRDB
import XCTest
@testable import LogAudit

/// The full-text tokenizer against the real FTS5 `unicode61` tokenizer of the SQLite the store
/// links: the same tokens, except that Chinese characters and kana are split into one token each.
final class QueryUnicode61Tests: XCTestCase {
    private func fts5Tokens(_ texts: [Int64: String]) throws -> [Int64: [String]] {
        let queue = try DatabaseQueue()
        return try queue.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE t USING fts5(x)")
            try db.execute(sql: "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
            for (id, text) in texts { try db.execute(sql: "INSERT INTO t(rowid, x) VALUES (?, ?)", arguments: [id, text]) }
            var tokens: [Int64: [String]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT doc, term FROM v ORDER BY doc, offset")
            while let row = try rows.next() { tokens[row[0], default: []].append(row[1]) }
            return tokens
        }
    }

    func testEveryCodePointTokenizesAsFTS5Does() throws {
        // "a" + c + "b": one token when c is a token character (folded as FTS5 folds it), "ab" when
        // it is a combining accent, two tokens when it separates.
        let ranges: [ClosedRange<UInt32>] = [1...0xD7FF, 0xE000...0x3FFFF, 0xE0000...0xE01FF, 0xF0000...0xF00FF, 0x10FF00...0x10FFFF]
        let queue = try DatabaseQueue()
        var sqlite: [UInt32: [String]] = [:]
        try queue.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE t USING fts5(x)")
            try db.execute(sql: "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
            for range in ranges {
                try db.execute(sql: """
                    WITH RECURSIVE c(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM c WHERE n < ?)
                    INSERT INTO t(rowid, x) SELECT n, 'a' || char(n) || 'b' FROM c
                    """, arguments: [range.lowerBound, range.upperBound])
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT doc, term FROM v ORDER BY doc, offset")
            while let row = try rows.next() { sqlite[UInt32(row[0] as Int64), default: []].append(row[1]) }
        }
        var compared = 0
        var mismatches: [String] = []
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                compared += 1
                let mine = Unicode61Tokens.tokens(of: "a" + String(scalar) + "b")
                let theirs = Self.splitting(sqlite[value] ?? [])
                if mine != theirs, mismatches.count < 20 {
                    mismatches.append("U+\(String(value, radix: 16, uppercase: true)): fts5 \(theirs) here \(mine)")
                }
            }
        }
        XCTAssertGreaterThan(compared, 260_000)
        XCTAssertEqual(mismatches, [])
    }

    func testLogLinesTokenizeAsFTS5Does() throws {
        let lines = [
            "Failed password for invalid user admin from 10.1.2.3 port 22 ssh2",
            "市公安局 用户admin登录失败，原因：密码错误（第3次）",
            "Déjà vu: CAFÉ e\u{301}x ÀÉÎ Straße İstanbul ıi ǅ µ ſ ς Ω",
            "src_ip=2001:db8::1 dst=[fe80::1%eth0] url=/a?b=c&d=e#f",
            "NEAR(\"a\" \"b\") - col:val AND OR NOT * ^x \"quoted\" 'single'",
            "'; DROP TABLE event; --  100% done_ok *star* ?q [x]",
            "全角ＡＢＣ１２３，标点。　空格、顿号 ① Ⅻ ¼ 😀 🤦 \u{E000}x",
            "日本語テキスト 한국어 텍스트 Ελληνικά Кириллица עברית العربية हिन्दी",
            "tab\there\r\nnewline \u{200B}zero\u{FEFF}width\u{7F}del",
            "before NUL\u{0}after NUL: FTS5 reads up to the first NUL",
        ]
        let texts = Dictionary(uniqueKeysWithValues: lines.enumerated().map { (Int64($0.offset + 1), $0.element) })
        let sqlite = try fts5Tokens(texts)
        for (id, text) in texts {
            XCTAssertEqual(Unicode61Tokens.tokens(of: text), Self.splitting(sqlite[id] ?? []), text)
        }
    }

    /// FTS5's tokens with every Chinese character and kana cut out as a token of its own.
    static func splitting(_ tokens: [String]) -> [String] {
        var out: [String] = []
        for token in tokens {
            var current = String.UnicodeScalarView()
            for scalar in token.unicodeScalars {
                if Unicode61Tokens.isSplitCharacter(scalar) {
                    if !current.isEmpty { out.append(String(current)) }
                    current = String.UnicodeScalarView()
                    out.append(String(scalar))
                } else {
                    current.append(scalar)
                }
            }
            if !current.isEmpty { out.append(String(current)) }
        }
        return out
    }

    func testChineseCharactersAreTokensOfTheirOwn() {
        XCTAssertEqual(Unicode61Tokens.tokens(of: "市公安局 用户admin登录失败，原因"),
                       ["市", "公", "安", "局", "用", "户", "admin", "登", "录", "失", "败", "原", "因"])
        XCTAssertEqual(Unicode61Tokens.tokens(of: "日本語テキスト 한국어"), ["日", "本", "語", "テ", "キ", "ス", "ト", "한국어"])
        let message = Unicode61Tokens.tokens(of: "市公安局 用户admin登录失败")
        XCTAssertTrue(QueryPhrase(text: "公安", isPrefix: false)!.matches(message), "part of a Chinese word is found")
        XCTAssertTrue(QueryPhrase(text: "登录失败", isPrefix: false)!.matches(message))
        XCTAssertFalse(QueryPhrase(text: "安公", isPrefix: false)!.matches(message), "in order")
        XCTAssertEqual(QueryPhrase(text: "登录失败", isPrefix: false)!.quotedForm, #""登录失败""#)
        XCTAssertEqual(QueryPhrase(text: "用户admin登录", isPrefix: false)!.quotedForm, #""用户 admin 登录""#)
        XCTAssertEqual(Unicode61Tokens.tokens(of: "src_ip=10.1.2.3"), ["src", "ip", "10", "1", "2", "3"])
    }

    func testPhraseMatchingIsConsecutiveWithOptionalPrefix() {
        let message = Unicode61Tokens.tokens(of: "Failed password for root from 10.1.2.3")
        XCTAssertTrue(QueryPhrase(text: "failed PASSWORD", isPrefix: false)!.matches(message))
        XCTAssertFalse(QueryPhrase(text: "password failed", isPrefix: false)!.matches(message))
        XCTAssertFalse(QueryPhrase(text: "failed for", isPrefix: false)!.matches(message))
        XCTAssertTrue(QueryPhrase(text: "for ro", isPrefix: true)!.matches(message))
        XCTAssertFalse(QueryPhrase(text: "for ro", isPrefix: false)!.matches(message))
        XCTAssertTrue(QueryPhrase(text: "10.1.2", isPrefix: false)!.matches(message))
        XCTAssertNil(QueryPhrase(text: "%% -- ;", isPrefix: false))
        XCTAssertEqual(QueryPhrase(text: "say NEAR now", isPrefix: true)!.quotedForm, #""say near now" *"#)
    }
}
