import AnyunCore
import AnyunCrypto
import AnyunStore
import Center
import Foundation
import XCTest

final class AuditTrailTests: XCTestCase {
    private func verify(_ h: Harness) async throws -> AuditVerification {
        try await AuditVerifier(store: h.store, sealKey: h.keys.auditSeal.publicKey).verify()
    }

    /// A centre with a couple of dozen trail records: logins, registry changes, a decision, a price, a user.
    private func busyScene() async throws -> Scene {
        let s = try await Scene(Harness(testCase: self))
        let p = s.sec.principal
        for i in 1...3 {
            _ = try await s.h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "n\(i)", ips: ["10.1.2.\(i)"], os: "UOS",
                                                                   platform: "浪潮云"), by: p)
        }
        return s
    }

    func testEveryChangeIsRecordedWithWhoWhatAndBeforeAfter() async throws {
        let s = try await Scene(Harness(testCase: self))
        let h = s.h
        let p = s.sec.principal
        func last() async throws -> AuditRecord {
            let r = try await h.lastAudit()
            return try XCTUnwrap(r)
        }
        func check(_ r: AuditRecord, _ action: String, target: String, before: Bool, after: Bool, actor: String = "secadmin",
                   role: String = "security-admin", source: String = "10.9.8.7", file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(r.action, action, file: file, line: line)
            XCTAssertEqual(r.targetID, target, file: file, line: line)
            XCTAssertEqual(r.actorName, actor, file: file, line: line)
            XCTAssertEqual(r.actorRole, role, file: file, line: line)
            XCTAssertEqual(r.sourceAddress, source, file: file, line: line)
            XCTAssertEqual(r.outcome, "success", file: file, line: line)
            XCTAssertEqual(r.before != nil, before, "before of \(action)", file: file, line: line)
            XCTAssertEqual(r.after != nil, after, "after of \(action)", file: file, line: line)
            XCTAssertEqual(r.time.timeIntervalSince1970, h.clock.now.timeIntervalSince1970, accuracy: 0.001, file: file, line: line)
        }

        // The scene's own writes.
        let creates = try await h.store.auditRecords(AuditQuery(actor: "secadmin"), page: PageRequest()).items.map(\.action)
        XCTAssertEqual(Array(creates.reversed()), ["auth.login", "unit.create", "unit.create", "system.create", "system.create",
                                                   "host.create", "host.create"])

        h.clock.advance(60)
        var draft = HostDraft(systemID: s.systemA.id, hostname: "web-a", ips: ["10.1.0.10"], os: "麒麟 V10 SP3", platform: "浪潮云")
        _ = try await h.center.registry.updateHost(s.hostA.id, draft, version: 1, by: p)
        var r = try await last()
        check(r, "host.update", target: String(s.hostA.id), before: true, after: true)
        XCTAssertTrue(r.before?.contains("\"os\":\"麒麟 V10\"") == true, r.before ?? "")
        XCTAssertTrue(r.after?.contains("\"os\":\"麒麟 V10 SP3\"") == true, r.after ?? "")
        XCTAssertEqual(r.unitID, s.unitA.id)

        h.clock.advance(60)
        draft.hostname = "web-a-new"
        _ = try await h.center.registry.updateHost(s.hostA.id, draft, version: 2, by: p)
        try await h.center.registry.deleteHost(s.hostA.id, version: 3, by: p)
        r = try await last()
        check(r, "host.delete", target: String(s.hostA.id), before: true, after: false)

        _ = try await h.center.registry.updateUnit(s.unitA.id, UnitDraft(name: "市公安局", creditCode: creditCode(serial: 1), contactName: "李娜",
                                                                         contactPhone: "0531-88880001"), version: 1, by: p)
        r = try await last()
        check(r, "unit.update", target: String(s.unitA.id), before: true, after: true)
        XCTAssertTrue(r.before?.contains("张伟") == true && r.after?.contains("李娜") == true)

        _ = try await h.center.catalog.update("waf", CatalogUpdate(unitPrice: 310_000, version: 1), by: p)
        r = try await last()
        check(r, "catalog.update", target: "waf", before: true, after: true)
        XCTAssertTrue(r.before?.contains("300000") == true && r.after?.contains("310000") == true)

        let app = try await h.center.subscriptions.apply(ApplicationDraft(unitID: s.unitB.id, service: "waf", quantity: 1, startDay: "2025-06-10",
                                                                          purpose: "x"), by: p)
        r = try await last()
        check(r, "application.create", target: String(app.id), before: false, after: true)
        _ = try await h.center.subscriptions.decide(app.id, approve: true, note: "同意", version: 1, by: p)
        r = try await last()
        check(r, "application.approve", target: String(app.id), before: true, after: true)
        XCTAssertEqual(r.unitID, s.unitB.id)

        let approved = try await h.store.application(id: app.id, scope: .allUnits)
        let subscription = try await h.store.subscription(id: try XCTUnwrap(approved?.subscriptionID), scope: .allUnits)
        _ = try await h.center.subscriptions.end(subscription!.id, lastDay: Day("2025-06-30")!, version: subscription!.version, by: p)
        r = try await last()
        check(r, "subscription.end", target: String(subscription!.id), before: true, after: true)
        XCTAssertTrue(r.after?.contains("2025-06-30") == true)

        let token = try await h.center.users.createToken(name: "cmdb", scopes: ["registry:read"], by: p)
        r = try await last()
        check(r, "token.create", target: String(token.info.id), before: false, after: true)
        XCTAssertFalse(r.after?.contains(token.token) == true, "the secret never enters the trail")
        try await h.center.users.revokeToken(token.info.id, by: p)
        r = try await last()
        check(r, "token.revoke", target: String(token.info.id), before: false, after: false)

        let sys = try await h.account(.systemAdmin, username: "sysadmin", source: "10.9.8.1")
        let created = try await h.center.users.create(NewUserRequest(username: "viewer", displayName: "只读", role: "unit-readonly",
                                                                     unitID: s.unitA.id, password: Harness.password), by: sys.principal)
        r = try await last()
        check(r, "user.create", target: String(created.user.id), before: false, after: true, actor: "sysadmin", role: "system-admin",
              source: "10.9.8.1")
        XCTAssertFalse(r.after?.contains("scrypt") == true, "no password hash in the trail")

        // Failed logins are recorded too, with the source they came from.
        _ = await centerError { try await h.center.auth.login(username: "viewer", password: "Wrong#Horse9", totp: nil, source: "192.0.2.66") }
        r = try await last()
        XCTAssertEqual(r.action, "auth.login")
        XCTAssertEqual(r.outcome, "failure")
        XCTAssertEqual(r.sourceAddress, "192.0.2.66")
        XCTAssertEqual(r.detail, "wrong password")
        let v = try await verify(h)
        XCTAssertTrue(v.intact, "\(String(describing: v.problem))")
        let head = try await h.auditHead()
        XCTAssertEqual(Int64(v.recordsChecked), head)
    }

    func testAnUntouchedTrailVerifiesAndIsSealed() async throws {
        let s = try await busyScene()
        let h = s.h
        let seal = try await h.center.audit.sealIfNeeded()
        let head = try await h.auditHead()
        XCTAssertEqual(seal?.seq, head)
        let again = try await h.center.audit.sealIfNeeded()
        XCTAssertNil(again, "nothing new, no new seal")
        let auditor = try await h.account(.auditAdmin)
        let headNow = try await h.auditHead()
        XCTAssertEqual(headNow, head + 2, "the auditor's account and login")
        let result = try await h.center.audit.verify(by: auditor.principal)
        XCTAssertTrue(result.intact)
        XCTAssertEqual(Int64(result.recordsChecked), headNow, "records after the last seal are checked too")
        XCTAssertEqual(result.sealsChecked, 1)
        let r = try await h.lastAudit()
        XCTAssertEqual(r?.action, "audit.verify", "verifying is itself recorded")
        XCTAssertEqual(r?.actorRole, "audit-admin")
        let seals = try await h.center.audit.seals(by: auditor.principal)
        XCTAssertEqual(seals.count, 1)
        XCTAssertEqual(seals.first?.publicKeyFingerprint, AuditService.fingerprint(h.keys.auditSeal.publicKey))
    }

    func testTheTriggersRefuseChangesThroughTheFile() async throws {
        let s = try await busyScene()
        let before = try await s.h.store.auditRecords(afterSeq: 0, limit: 1000)
        _ = try await s.h.center.audit.sealIfNeeded()
        for sql in ["UPDATE audit_log SET detail = 'x' WHERE seq = 3;", "DELETE FROM audit_log WHERE seq = 3;",
                    "UPDATE audit_seal SET signature = 'x';", "DELETE FROM audit_seal;"] {
            let result = try s.h.sqlite(sql)
            XCTAssertNotEqual(result.status, 0, sql)
            XCTAssertTrue(result.error.contains("append-only"), result.error)
        }
        let after = try await s.h.store.auditRecords(afterSeq: 0, limit: 1000)
        XCTAssertEqual(after, before)
        let v = try await verify(s.h)
        XCTAssertTrue(v.intact)
    }

    func testAnAlteredRecordIsNamed() async throws {
        let s = try await busyScene()
        let result = try s.h.sqlite("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail='x' WHERE seq=3;")
        XCTAssertEqual(result.status, 0, result.error)
        let v = try await verify(s.h)
        XCTAssertEqual(v.problem, .altered(seq: 3))
        XCTAssertEqual(v.recordsChecked, 2)
        XCTAssertFalse(v.intact)
        let auditor = try await s.h.account(.auditAdmin)
        let viaService = try await s.h.center.audit.verify(by: auditor.principal)
        XCTAssertEqual(viaService.problem, .altered(seq: 3))
        let r = try await s.h.lastAudit()
        XCTAssertEqual(r?.outcome, "failure")
        XCTAssertTrue(r?.detail?.contains("record 3") == true, r?.detail ?? "")
    }

    func testAChangedActorOrTimeIsAnAlterationToo() async throws {
        let s = try await busyScene()
        try s.h.sqlite("DROP TRIGGER audit_log_no_update;")
        try s.h.sqlite("UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 5;")
        var v = try await verify(s.h)
        XCTAssertEqual(v.problem, .altered(seq: 5))
        try s.h.sqlite("UPDATE audit_log SET actor_name = 'secadmin' WHERE seq = 5; UPDATE audit_log SET time_us = time_us + 1 WHERE seq = 4;")
        v = try await verify(s.h)
        XCTAssertEqual(v.problem, .altered(seq: 4))
    }

    func testADeletedMiddleRecordIsNamed() async throws {
        let s = try await busyScene()
        let result = try s.h.sqlite("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4;")
        XCTAssertEqual(result.status, 0, result.error)
        let v = try await verify(s.h)
        XCTAssertEqual(v.problem, .deleted(afterSeq: 3, nextSeq: 5))
        XCTAssertEqual(v.problem?.seq, 4)
    }

    func testDeletingTheFirstRecordsIsNamed() async throws {
        let s = try await busyScene()
        try s.h.sqlite("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq <= 2;")
        let v = try await verify(s.h)
        XCTAssertEqual(v.problem, .headRemoved(firstSeq: 3))
    }

    func testSwappedRecordsAreNamedAtTheFirstSwappedOne() async throws {
        let s = try await busyScene()
        let columns = ["time_us", "actor_id", "actor_name", "actor_role", "source_address", "action", "target_type", "target_id", "unit_id",
                       "outcome", "before", "after", "detail", "previous_hash", "hash"]
        let swap = columns.map { "\($0) = (SELECT \($0) FROM snapshot WHERE seq = CASE audit_log.seq WHEN 3 THEN 4 ELSE 3 END)" }
            .joined(separator: ", ")
        let result = try s.h.sqlite("""
            DROP TRIGGER audit_log_no_update;
            CREATE TABLE snapshot AS SELECT * FROM audit_log WHERE seq IN (3, 4);
            UPDATE audit_log SET \(swap) WHERE seq IN (3, 4);
            DROP TABLE snapshot;
            """)
        XCTAssertEqual(result.status, 0, result.error)
        let swapped = try s.h.sqlite("SELECT seq, action, target_id FROM audit_log WHERE seq IN (3, 4) ORDER BY seq;").output
        let now = try await s.h.store.auditRecords(afterSeq: 2, limit: 2)
        XCTAssertEqual(now.map(\.seq), [3, 4])
        XCTAssertEqual(now[0].targetID, "2", "the swap happened: record 3 now holds record 4's content — \(swapped)")
        let v = try await verify(s.h)
        let problem = try XCTUnwrap(v.problem)
        XCTAssertTrue([.altered(seq: 3), .reordered(seq: 3)].contains(problem), "\(problem)")
    }

    func testCuttingOffTheSealedTailIsNamed() async throws {
        let s = try await busyScene()
        let seal = try await s.h.center.audit.sealIfNeeded()
        let sealed = try XCTUnwrap(seal?.seq)
        let result = try s.h.sqlite("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > \(sealed - 2);")
        XCTAssertEqual(result.status, 0, result.error)
        let v = try await verify(s.h)
        XCTAssertEqual(v.problem, .truncated(lastSeq: sealed - 2, sealedSeq: sealed))
    }

    func testAForgedSealIsNamed() async throws {
        let s = try await busyScene()
        _ = try await s.h.center.audit.sealIfNeeded()
        let stored = try await s.h.store.seals()
        let seal = try XCTUnwrap(stored.last)
        var signature = Array(seal.signature)
        signature[signature.count - 3] = signature[signature.count - 3] == "0" ? "1" : "0"
        let result = try s.h.sqlite("DROP TRIGGER audit_seal_no_update; UPDATE audit_seal SET signature = '\(String(signature))' WHERE id = \(seal.id);")
        XCTAssertEqual(result.status, 0, result.error)
        let v = try await verify(s.h)
        XCTAssertEqual(v.problem, .forgedSeal(sealID: seal.id))

        // A seal signed by another key is as good as forged.
        let other = try SM2PrivateKey.generate()
        let foreign = try await AuditVerifier(store: s.h.store, sealKey: other.publicKey).verify()
        XCTAssertEqual(foreign.problem, .forgedSeal(sealID: seal.id))
    }

    /// Someone who recomputes every hash after their change still cannot match the signed head.
    func testARewrittenChainIsCaughtByTheSeal() async throws {
        let s = try await busyScene()
        _ = try await s.h.center.audit.sealIfNeeded()
        let stored = try await s.h.store.seals()
        let seal = try XCTUnwrap(stored.last)
        var records = try await s.h.store.auditRecords(afterSeq: 0, limit: 1000)
        XCTAssertEqual(records.last?.seq, seal.seq)
        records[2].detail = "nothing happened here"
        var statements = ["DROP TRIGGER audit_log_no_update;"]
        for i in 2..<records.count {
            if i > 2 { records[i].previousHash = records[i - 1].hash }
            records[i].hash = AuditChain.hash(of: records[i])
            statements.append("UPDATE audit_log SET detail = \(records[i].detail.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL"), previous_hash = '\(records[i].previousHash)', hash = '\(records[i].hash)' WHERE seq = \(records[i].seq);")
        }
        let result = try s.h.sqlite(statements.joined(separator: "\n"))
        XCTAssertEqual(result.status, 0, result.error)
        let v = try await verify(s.h)
        XCTAssertEqual(v.problem, .rewritten(seq: seal.seq, sealID: seal.id), "the chain itself is consistent, only the seal tells")
    }
}
