import AnyunCore
import Foundation
import XCTest
@testable import Detection

/// An operator's own rules load beside the shipped pack; a bad one is skipped, not fatal.
final class SigmaOperatorRulesTests: XCTestCase {
    func testOperatorRulesJoinTheShippedPack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        title: Payroll export outside hours
        id: 6f1d7c1e-1d0f-4a53-9a55-4d8f3d1f6a10
        logsource: {product: linux, service: sshd}
        detection:
          selection:
            user: payroll
            action: login
          condition: selection
        level: high
        tags: [mlps.8.1.4.3]
        """.write(to: dir.appendingPathComponent("payroll.yml"), atomically: true, encoding: .utf8)
        try """
        title: Rule for a log source nobody maps
        id: 0c2d7a93-54a4-4d0e-bb1e-6c1d7a0a0b11
        logsource: {product: mainframe, service: racf}
        detection:
          selection: {user: x}
          condition: selection
        level: low
        """.write(to: dir.appendingPathComponent("unmapped.yml"), atomically: true, encoding: .utf8)

        let shipped = try RuleSet.shipped()
        let combined = try RuleSet.shipped(operatorDirectory: dir)
        XCTAssertEqual(combined.rules.count, shipped.rules.count + 1)
        XCTAssertEqual(combined.correlations.count, shipped.correlations.count)
        XCTAssertEqual(combined.skipped.map(\.ruleID), ["0c2d7a93-54a4-4d0e-bb1e-6c1d7a0a0b11"])

        var engine = DetectionEngine(rules: combined)
        let login = TestEvents.sshSuccess(from: "10.9.9.9", user: "payroll", at: 0)
        XCTAssertTrue(engine.process(login).contains { $0.title == "Payroll export outside hours" })
        // The shipped brute-force correlation still works beside it.
        var fired: [RuleMatch] = []
        for i in 0..<5 { fired += engine.process(TestEvents.sshFailure(from: "203.0.113.5", at: Double(i))) }
        XCTAssertTrue(fired.contains { $0.groupKey == "src_ip=203.0.113.5" && $0.correlation != nil })
        XCTAssertEqual(try RuleSet.shipped(operatorDirectory: nil).rules.count, shipped.rules.count)
    }
}
