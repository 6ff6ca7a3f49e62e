@testable import Detection
import XCTest

final class SigmaConditionTests: XCTestCase {
    /// Three selections on fields a, b, c; `condition` varies.
    private func rule(_ condition: String, extra: String = "") throws -> SigmaRule {
        try TestRules.rule("sel_a:\n  a: 1\nsel_b:\n  b: 1\nfilter_c:\n  c: 1\n\(extra)condition: \(condition)")
    }

    private func truth(_ r: SigmaRule, a: Bool, b: Bool, c: Bool, d: Bool = false) -> Bool {
        var f: [String: String] = [:]
        if a { f["a"] = "1" }
        if b { f["b"] = "1" }
        if c { f["c"] = "1" }
        if d { f["d"] = "1" }
        return r.matches(fields: f)
    }

    /// Checks a condition against a Swift expression over all eight combinations.
    private func assertTable(_ condition: String, file: StaticString = #filePath, line: UInt = #line,
                             _ expected: (Bool, Bool, Bool) -> Bool) throws {
        let r = try rule(condition)
        for bits in 0..<8 {
            let (a, b, c) = (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0)
            XCTAssertEqual(truth(r, a: a, b: b, c: c), expected(a, b, c), "\(condition) with a=\(a) b=\(b) c=\(c)",
                           file: file, line: line)
        }
    }

    func testAndOrNotAndPrecedence() throws {
        try assertTable("sel_a and sel_b") { a, b, _ in a && b }
        try assertTable("sel_a or sel_b") { a, b, _ in a || b }
        try assertTable("sel_a and not filter_c") { a, _, c in a && !c }
        try assertTable("sel_a or sel_b and filter_c") { a, b, c in a || (b && c) }
        try assertTable("(sel_a or sel_b) and filter_c") { a, b, c in (a || b) && c }
        try assertTable("not sel_a and sel_b") { a, b, _ in !a && b }
        try assertTable("not (sel_a and sel_b)") { a, b, _ in !(a && b) }
        try assertTable("not not sel_a") { a, _, _ in a }
        try assertTable("sel_a AND NOT filter_c") { a, _, c in a && !c }
    }

    func testOneOfAndAllOfWithWildcardPatterns() throws {
        try assertTable("1 of sel_*") { a, b, _ in a || b }
        try assertTable("all of sel_*") { a, b, _ in a && b }
        try assertTable("1 of sel_* and not 1 of filter_*") { a, b, c in (a || b) && !c }
        try assertTable("all of sel_* or filter_c") { a, b, c in (a && b) || c }
        try assertTable("1 of *_c") { _, _, c in c }
        try assertTable("2 of them") { a, b, c in [a, b, c].filter { $0 }.count >= 2 }
    }

    func testThemExcludesUnderscoreSelections() throws {
        let extra = "_helper:\n  d: 1\n"
        let all = try rule("all of them", extra: extra)
        XCTAssertTrue(truth(all, a: true, b: true, c: true, d: false), "_helper is not part of 'them'")
        XCTAssertFalse(truth(all, a: true, b: true, c: false, d: true))
        let one = try rule("1 of them", extra: extra)
        XCTAssertFalse(truth(one, a: false, b: false, c: false, d: true))
        XCTAssertTrue(truth(one, a: false, b: false, c: true, d: false))
        let explicit = try rule("_helper", extra: extra)
        XCTAssertTrue(truth(explicit, a: false, b: false, c: false, d: true), "named explicitly it still works")
    }

    func testConditionListIsOr() throws {
        let r = try TestRules.rule("sel_a:\n  a: 1\nsel_b:\n  b: 1\ncondition:\n  - sel_a\n  - sel_b")
        XCTAssertTrue(truth(r, a: true, b: false, c: false))
        XCTAssertTrue(truth(r, a: false, b: true, c: false))
        XCTAssertFalse(truth(r, a: false, b: false, c: false))
    }

    func testParserShapes() throws {
        XCTAssertEqual(try SigmaCondition.parse("a or b and not c"),
                       .or(.identifier("a"), .and(.identifier("b"), .not(.identifier("c")))))
        XCTAssertEqual(try SigmaCondition.parse("1 of sel* and (x)"),
                       .and(.of(count: 1, pattern: "sel*"), .identifier("x")))
        XCTAssertEqual(try SigmaCondition.parse("all of them"), .of(count: nil, pattern: "them"))
    }

    func testBadConditionsAreClearErrors() throws {
        for (condition, expected) in [
            ("sel_a and", "ends where a selection name was expected"),
            ("(sel_a or sel_b", "missing ')'"),
            ("sel_a sel_b", "unexpected 'sel_b'"),
            ("sel_a | count() > 5", "obsolete"),
            ("any of sel_*", "'any of'"),
            ("sel_x", "'sel_x', which is not a selection"),
            ("1 of nope_*", "matches no selection"),
            ("3 of sel_*", "more selections than"),
        ] {
            let error = try TestRules.loadError(TestRules.document("sel_a:\n  a: 1\nsel_b:\n  b: 1\ncondition: \(condition)"))
            XCTAssertTrue(error.problem.contains(expected), "\(condition): \(error.problem)")
            XCTAssertEqual(error.origin, "bad.yml")
            XCTAssertEqual(error.rule, "'Test rule' (00000000-0000-4000-8000-000000000001)")
        }
    }
}
