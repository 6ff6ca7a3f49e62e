import AnyunCore
@testable import Detection
import XCTest

final class SigmaRuleLoadTests: XCTestCase {
    private func error(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> RuleLoadError {
        try TestRules.loadError(yaml, file: file, line: line)
    }

    func testUnknownModifierNamesFileRuleAndModifier() throws {
        let e = try error(TestRules.document("sel:\n  user|containz: x\ncondition: sel", title: "Typo rule"))
        XCTAssertEqual(e.origin, "bad.yml")
        XCTAssertEqual(e.rule, "'Typo rule' (00000000-0000-4000-8000-000000000001)")
        XCTAssertTrue(e.problem.contains("unknown modifier 'containz'"), e.problem)
        XCTAssertEqual(e.line, 6)
        XCTAssertTrue(e.description.hasPrefix("bad.yml:6: rule 'Typo rule'"), e.description)
    }

    func testModifierMisuse() throws {
        let cases: [(String, String)] = [
            ("sel:\n  user|i: x\ncondition: sel", "must follow 're'"),
            ("sel:\n  user|wide: x\ncondition: sel", "not supported"),
            ("sel:\n  user|contains|startswith: x\ncondition: sel", "conflicts"),
            ("sel:\n  user|contains|all: x\ncondition: sel", "needs a list"),
            ("sel:\n  score|gte: high\ncondition: sel", "needs a number"),
            ("sel:\n  src_ip|cidr: 10.0.0.0/33\ncondition: sel", "not an IPv4 or IPv6 network"),
            ("sel:\n  user|re: '(unclosed'\ncondition: sel", "bad regular expression"),
            ("sel:\n  user|exists: maybe\ncondition: sel", "exactly one true or false"),
            ("sel:\n  cmd|base64|contains: 'a*b'\ncondition: sel", "wildcards cannot be combined"),
            ("sel:\n  cmd|base64offset: abc\ncondition: sel", "must be used with 'contains'"),
            ("sel:\n  user: []\ncondition: sel", "empty value list"),
            ("sel:\n  user:\n    nested: map\ncondition: sel", "plain values"),
            ("sel:\n  - a: 1\n  - plain\ncondition: sel", "mixes maps and plain values"),
            ("sel:\n  user: x", "no `condition`"),
        ]
        for (detection, expected) in cases {
            let e = try error(TestRules.document(detection))
            XCTAssertTrue(e.problem.contains(expected), "\(detection) -> \(e.problem)")
        }
    }

    func testDocumentLevelProblems() throws {
        let cases: [(String, String)] = [
            ("id: x\nlogsource: {product: test, service: test}\ndetection: {sel: {a: 1}, condition: sel}\n", "no `title`"),
            ("title: t\nlogsource: {product: test, service: test}\ndetection: {sel: {a: 1}, condition: sel}\nlevel: severe\n", "unknown level 'severe'"),
            ("title: t\ndetection: {sel: {a: 1}, condition: sel}\n", "no `logsource`"),
            ("title: t\nlogsource: {product: test}\n", "neither `detection` nor `correlation`"),
            ("title: t\naction: global\nlogsource: {product: test}\n", "collection actions"),
            ("title: t\nlogsource: {product: test, service: test}\ndetection: {sel: {a: 1}, condition: sel}\nanyun: {summary_zh: 'a {b'}\n", "unclosed '{'"),
            ("title: [unclosed\n", "not valid YAML"),
        ]
        for (yaml, expected) in cases {
            let e = try error(yaml)
            XCTAssertTrue(e.problem.contains(expected), "\(yaml) -> \(e.problem)")
            XCTAssertEqual(e.origin, "bad.yml")
        }
    }

    func testSyntaxErrorInALaterDocumentIsNotSwallowed() throws {
        let good = TestRules.document("sel:\n  a: 1\ncondition: sel")
        let e = try error(good + "---\ntitle: second\ndetection: {sel: [unclosed\n")
        XCTAssertTrue(e.problem.contains("not valid YAML"), e.problem)
    }

    func testUnsupportedLogsourceIsReportedNeverMatchesEverything() throws {
        let yaml = TestRules.document("sel:\n  user: '*'\ncondition: sel", logsource: "{product: macos, service: unified}",
                                      title: "Mac rule")
        let set = try RuleSet.load(yamlDocuments: yaml, origin: "mac.yml", mapping: try TestRules.mapping())
        XCTAssertTrue(set.rules.isEmpty)
        XCTAssertEqual(set.skipped.count, 1)
        XCTAssertEqual(set.skipped[0].title, "Mac rule")
        XCTAssertTrue(set.skipped[0].description.contains("no log-source mapping for {product: macos, service: unified}"),
                      set.skipped[0].description)
        var engine = DetectionEngine(rules: set)
        XCTAssertTrue(engine.process(TestEvents.make(fields: ["user": "x"])).isEmpty)

        XCTAssertThrowsError(try RuleSet.load(yamlDocuments: yaml, origin: "mac.yml", mapping: try TestRules.mapping(),
                                              strict: true)) { e in
            XCTAssertTrue("\(e)".contains("mac.yml: rule 'Mac rule'"), "\(e)")
        }
    }

    func testLogsourceNeedsServiceAndCategoryCoveredButProductMayBeOmitted() throws {
        let mapping = try LogsourceMapping(yaml: """
        logsources:
          - logsource: {product: linux}
            match: [{app: [anything]}]
          - logsource: {category: webserver}
            match: [{app: [nginx]}]
          - logsource: {product: linux, service: sshd}
            match: [{app: [sshd]}]
        """, origin: "m.yaml")
        XCTAssertNil(mapping.entryIndex(for: SigmaLogsource(product: "linux", service: "cron")),
                     "an unmapped service must not fall back to the whole product")
        XCTAssertEqual(mapping.entryIndex(for: SigmaLogsource(product: "linux", category: "webserver")), 1)
        XCTAssertEqual(mapping.entryIndex(for: SigmaLogsource(product: "Linux", service: "SSHD")), 2)
        XCTAssertEqual(mapping.entryIndex(for: SigmaLogsource(product: "linux")), 0)
    }

    func testGateUsesAppDecoderFieldAndTransport() throws {
        let mapping = try LogsourceMapping(yaml: """
        logsources:
          - logsource: {product: p, service: s}
            match:
              - app: [SSHD]
              - decoder: [openssh]
              - field: {facility: ["4", "10"]}
                transport: [tls]
        """, origin: "m.yaml")
        let yaml = "title: t\nid: g1\nlogsource: {product: p, service: s}\ndetection: {sel: {user: x}, condition: sel}\n"
        let r = try XCTUnwrap(RuleSet.load(yamlDocuments: yaml, origin: "g.yml", mapping: mapping).rules.first)
        XCTAssertTrue(r.matches(TestEvents.make(app: "sshd", fields: ["user": "x"])))
        XCTAssertTrue(r.matches(TestEvents.make(app: "other", fields: ["user": "x"], decoder: "openssh-auth")))
        XCTAssertTrue(r.matches(TestEvents.make(app: "other", fields: ["user": "x"], facility: 10, transport: .tls)))
        XCTAssertFalse(r.matches(TestEvents.make(app: "other", fields: ["user": "x"], facility: 10, transport: .udp)))
        XCTAssertFalse(r.matches(TestEvents.make(app: "other", fields: ["user": "x"])))
        XCTAssertFalse(r.matches(TestEvents.make(app: "sshd", fields: ["user": "y"])))
    }

    func testBadMappingIsAClearError() {
        XCTAssertThrowsError(try LogsourceMapping(yaml: "logsources:\n  - logsource: {product: p}\n    match: [{ap: [x]}]\n",
                                                  origin: "m.yaml")) { e in
            XCTAssertTrue("\(e)".contains("m.yaml:3") && "\(e)".contains("unknown match key 'ap'"), "\(e)")
        }
    }

    func testCorrelationProblems() throws {
        let base = TestRules.document("sel:\n  a: 1\ncondition: sel", id: "base-1") + "name: base\n"
        func corr(_ body: String) -> String { base + "---\ntitle: C\nid: corr-1\ncorrelation:\n" + body }
        let cases: [(String, String)] = [
            (corr("  type: event_count\n  rules: [base]\n  group-by: [a]\n  timespan: 5 minutes\n  condition: {gte: 3}\n"), "bad timespan '5 minutes'"),
            (corr("  type: event_count\n  rules: [base]\n  timespan: 5M\n  condition: {gte: 3}\n"), "bad timespan '5M'"),
            (corr("  type: event_count\n  rules: [nope]\n  timespan: 5m\n  condition: {gte: 3}\n"), "refers to rule 'nope'"),
            (corr("  type: event_count\n  rules: [base]\n  timespan: 5m\n"), "needs a `condition`"),
            (corr("  type: event_count\n  rules: [base]\n  timespan: 5m\n  condition: {lt: 3}\n"), "no lower bound"),
            (corr("  type: event_count\n  rules: [base]\n  timespan: 5m\n  condition: {gte: three}\n"), "whole number"),
            (corr("  type: event_count\n  rules: [base]\n  timespan: 5m\n  condition: {most: 3}\n"), "unknown condition key 'most'"),
            (corr("  type: value_count\n  rules: [base]\n  timespan: 5m\n  condition: {gte: 3}\n"), "needs `field`"),
            (corr("  type: sequence\n  rules: [base]\n"), "unknown correlation type 'sequence'"),
            (corr("  type: temporal\n  rules: [base]\n"), "needs a `timespan`"),
            (corr("  type: new_value\n  rules: [base]\n"), "needs `new`"),
            (corr("  type: new_value\n  rules: [base]\n  new: a\n  learning: forever\n"), "bad learning period"),
            (corr("  type: event_count\n  timespan: 5m\n  condition: {gte: 3}\n"), "needs `rules`"),
        ]
        for (yaml, expected) in cases {
            let e = try error(yaml)
            XCTAssertTrue(e.problem.contains(expected), "\(expected) -> \(e)")
            XCTAssertEqual(e.rule, "'C' (corr-1)", "\(e)")
        }
    }

    func testCorrelationCycleAndDuplicateIDs() throws {
        let a = "title: A\nid: a\nname: a\ncorrelation: {type: event_count, rules: [b], timespan: 1m, condition: {gte: 2}}\n"
        let b = "title: B\nid: b\nname: b\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 2}}\n"
        let cycle = try error(a + "---\n" + b)
        XCTAssertTrue(cycle.problem.contains("cycle"), cycle.problem)
        let dup = try error(TestRules.document("sel:\n  a: 1\ncondition: sel") + "---\n"
                            + TestRules.document("sel:\n  b: 1\ncondition: sel", title: "Second"))
        XCTAssertTrue(dup.problem.contains("already used"), dup.problem)
        XCTAssertEqual(dup.rule, "'Second' (00000000-0000-4000-8000-000000000001)")
    }

    func testCorrelationOverSkippedRuleIsSkippedToo() throws {
        let yaml = TestRules.document("sel:\n  a: 1\ncondition: sel", logsource: "{product: nowhere}", id: "lost") + "name: lost_rule\n"
            + "---\ntitle: C\nid: c1\ncorrelation: {type: event_count, rules: [lost_rule], timespan: 1m, condition: {gte: 2}}\n"
        let set = try RuleSet.load(yamlDocuments: yaml, origin: "x.yml", mapping: try TestRules.mapping())
        XCTAssertEqual(set.skipped.map(\.ruleID), ["lost", "c1"])
        XCTAssertTrue(set.correlations.isEmpty)
    }

    func testMetadataIsRead() throws {
        let yaml = """
        title: Meta
        id: 6a1c33f0-97f4-4d7b-8a2c-0b3f5c8d6e21
        name: meta_rule
        status: test
        description: d
        references: [https://example.org]
        author: me
        date: 2025-01-01
        tags: [attack.privilege_escalation, attack.t1548.003, mlps.8.1.4.2]
        logsource: {product: test, service: test}
        detection: {sel: {a: 1}, condition: sel}
        falsepositives: [admins]
        level: critical
        fields: [a, b]
        anyun: {title_zh: 元数据, description_zh: 描述}
        """
        let r = try XCTUnwrap(RuleSet.load(yamlDocuments: yaml, origin: "m.yml", mapping: try TestRules.mapping()).rule("meta_rule"))
        XCTAssertEqual(r.info.level, .critical)
        XCTAssertEqual(r.info.category, "privilege_escalation")
        XCTAssertEqual(r.info.clauses, [MLPSClause(rawValue: "8.1.4.2")])
        XCTAssertEqual(r.info.titleZh, "元数据")
        XCTAssertEqual(r.info.date, "2025-01-01")
        XCTAssertEqual(r.fields, ["a", "b"])
        XCTAssertEqual(r.logsource, SigmaLogsource(product: "test", service: "test"))
        XCTAssertEqual(r.info.falsepositives, ["admins"])
        for (level, severity) in [("informational", Severity.info), ("low", .low), ("medium", .medium), ("high", .high)] {
            let y = yaml.replacingOccurrences(of: "level: critical", with: "level: \(level)")
            XCTAssertEqual(try RuleSet.load(yamlDocuments: y, origin: "m.yml", mapping: try TestRules.mapping()).rules[0].info.level, severity)
        }
    }

    func testDirectoryLoadingNamesFilesRelativeToTheFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try TestRules.document("sel:\n  a: 1\ncondition: sel", id: "one").write(to: dir.appendingPathComponent("one.yml"), atomically: true, encoding: .utf8)
        try TestRules.document("sel:\n  a|nope: 1\ncondition: sel", title: "Broken", id: "two")
            .write(to: dir.appendingPathComponent("sub/two.yml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RuleSet.load(directory: dir, mapping: try TestRules.mapping())) { e in
            XCTAssertTrue("\(e)".hasPrefix("sub/two.yml:6: rule 'Broken' (two): unknown modifier 'nope'"), "\(e)")
        }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("sub/two.yml"))
        XCTAssertEqual(try RuleSet.load(directory: dir, mapping: try TestRules.mapping()).rules.map(\.info.id), ["one"])
    }
}
