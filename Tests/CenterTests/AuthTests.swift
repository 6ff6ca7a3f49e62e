import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

final class AuthTests: XCTestCase {
    private func login(_ h: Harness, _ name: String, password: String = Harness.password, totp: String? = nil) async throws -> LoginResult {
        try await h.center.auth.login(username: name, password: password, totp: totp, source: "203.0.113.5")
    }

    /// A six-digit code that is none of the codes valid around now.
    private func wrongCode(_ h: Harness, _ secret: String) -> String {
        let totp = TOTP(secret: Base32.decode(secret)!)
        let step = totp.step(at: h.clock.now)
        let valid = Set((step - 2...step + 2).map { totp.code(step: $0) })
        return (0..<10).map { String(repeating: String($0), count: 6) }.first { !valid.contains($0) }!
    }

    func testAdministratorsNeedTheirSecondFactor() async throws {
        let h = try Harness(testCase: self)
        let (created, name) = try await h.createUser(.auditAdmin)
        let secret = try XCTUnwrap(created.totp?.secret)
        XCTAssertTrue(created.user.totpEnrolled)
        XCTAssertTrue(created.totp?.uri.hasPrefix("otpauth://totp/") == true)
        await assertRefused("unauthorized", "no code") { try await self.login(h, name) }
        await assertRefused("unauthorized", "empty code") { try await self.login(h, name, totp: "") }
        await assertRefused("unauthorized", "wrong code") { try await self.login(h, name, totp: self.wrongCode(h, secret)) }
        await assertRefused("unauthorized", "wrong password, right code") { try await self.login(h, name, password: "Wrong#Horse9", totp: h.code(secret)) }
        let ok = try await login(h, name, totp: h.code(secret))
        XCTAssertEqual(ok.account.role, .auditAdmin)
        let p = try await h.center.auth.authenticate(ok.token, source: "203.0.113.5")
        XCTAssertEqual(p.username, name)
        XCTAssertEqual(p.kind, .user)
        XCTAssertNil(p.scopes)
        XCTAssertEqual(p.sourceAddress, "203.0.113.5")
        // A code from 90 seconds ago is outside the drift window.
        h.clock.advance(90)
        let stale = TOTP(secret: Base32.decode(secret)!).code(at: h.clock.now.addingTimeInterval(-90))
        await assertRefused("unauthorized", "stale code") { try await self.login(h, name, totp: stale) }
    }

    func testATOTPCodeIsGoodForOneLoginOnly() async throws {
        let h = try Harness(testCase: self)
        let (created, name) = try await h.createUser(.securityAdmin)
        let secret = try XCTUnwrap(created.totp?.secret)
        let code = h.code(secret)
        _ = try await login(h, name, totp: code)
        h.clock.advance(5)
        await assertRefused("unauthorized", "replayed") { try await self.login(h, name, totp: code) }
        h.clock.advance(30)
        let next = h.code(secret)
        XCTAssertNotEqual(next, code)
        _ = try await login(h, name, totp: next)
        let failures = try await h.store.auditRecords(AuditQuery(action: "auth.login"), page: PageRequest()).items.filter { $0.outcome == "failure" }
        XCTAssertEqual(failures.first?.detail, "TOTP code replayed")
    }

    func testFiveFailuresLockTheAccountForFifteenMinutes() async throws {
        let h = try Harness(testCase: self)
        let (_, name) = try await h.createUser(.unitAdmin, unit: try await unit(h))
        for attempt in 1...4 {
            await assertRefused("unauthorized", "attempt \(attempt)") { try await self.login(h, name, password: "Wrong#Horse\(attempt)") }
            h.clock.advance(10)
        }
        guard let fifth = await centerError({ try await self.login(h, name, password: "Wrong#Horse5") }) else { return }
        guard case .locked(let until) = fifth else { return XCTFail("the fifth failure locks: \(fifth)") }
        XCTAssertEqual(until.timeIntervalSince(h.clock.now), 15 * 60, accuracy: 1)
        let lockedAt = h.clock.now

        await assertRefused("locked", "even the right password") { try await self.login(h, name) }
        h.clock.set(lockedAt.addingTimeInterval(15 * 60 - 1))
        await assertRefused("locked", "one second before the end") { try await self.login(h, name) }
        h.clock.set(lockedAt.addingTimeInterval(15 * 60 + 1))
        let ok = try await login(h, name)
        XCTAssertEqual(ok.account.username, name)
        let account = try await h.store.user(id: ok.account.id)
        XCTAssertEqual(account?.failedLogins, 0)
        XCTAssertNil(account?.lockedUntil)

        // The count starts afresh after a success: four more failures do not lock.
        for attempt in 1...4 {
            await assertRefused("unauthorized", "after unlock \(attempt)") { try await self.login(h, name, password: "Wrong#Horse\(attempt)") }
        }
        _ = try await login(h, name)
    }

    func testUnknownUsersAreRefusedLikeWrongPasswords() async throws {
        let h = try Harness(testCase: self)
        guard let e = await centerError({ try await self.login(h, "nobody") }) else { return }
        XCTAssertEqual(e.kind, "unauthorized")
        let (_, name) = try await h.createUser(.unitAdmin, unit: try await unit(h))
        guard let wrong = await centerError({ try await self.login(h, name, password: "Wrong#Horse9") }) else { return }
        XCTAssertEqual(wrong, e, "the answer does not reveal which names exist")
        await assertRefused("unauthorized") { try await h.center.auth.authenticate("ays_forged", source: "x") }
        await assertRefused("unauthorized") { try await h.center.auth.authenticate("", source: "x") }
        await assertRefused("unauthorized") { try await h.center.auth.authenticate("ayt_forged", source: "x") }
    }

    func testAnIdleSessionEnds() async throws {
        let h = try Harness(testCase: self)
        let a = try await h.account(.unitReadOnly, unit: try await unit(h))
        h.clock.advance(14 * 60)
        let p = try await h.center.auth.authenticate(a.token, source: "x")
        XCTAssertEqual(p.userID, a.user.id)
        h.clock.advance(16 * 60)
        await assertRefused("unauthorized", "16 minutes without a request") { try await h.center.auth.authenticate(a.token, source: "x") }
        h.clock.advance(1)
        await assertRefused("unauthorized", "and it stays ended") { try await h.center.auth.authenticate(a.token, source: "x") }
    }

    /// Activity keeps a session alive: the timeout counts from the last request, not from the login —
    /// including when the first request after the login comes late.
    func testActivityKeepsASessionAlive() async throws {
        let h = try Harness(testCase: self)
        let (_, name) = try await h.createUser(.unitReadOnly, unit: try await unit(h))
        let token = try await login(h, name).token
        for minute in stride(from: 10, through: 60, by: 10) {
            h.clock.advance(10 * 60)
            do {
                _ = try await h.center.auth.authenticate(token, source: "x")
            } catch {
                return XCTFail("a request every 10 minutes keeps the session; refused at +\(minute) min: \(error)")
            }
        }
    }

    /// The same holds when the centre restarted in between and its credential cache is cold.
    func testActivityIsRememberedAcrossARestart() async throws {
        let h = try Harness(testCase: self)
        let (_, name) = try await h.createUser(.unitReadOnly, unit: try await unit(h))
        let token = try await login(h, name).token
        h.clock.advance(10 * 60)
        _ = try await h.center.auth.authenticate(token, source: "x")
        h.clock.advance(10 * 60)
        let restarted = Center(store: h.store, keys: h.keys, settings: { var s = CenterSettings(); s.hasher = .fastForTests; return s }(),
                               now: h.clock.reader)
        do {
            _ = try await restarted.auth.authenticate(token, source: "x")
        } catch {
            XCTFail("the request at +10 min counted; at +20 min the session is 10 minutes idle: \(error)")
        }
    }

    /// Sessions idle past the timeout are purged from storage by the background job.
    func testIdleSessionsArePurged() async throws {
        let h = try Harness(testCase: self)
        let a = try await h.account(.unitReadOnly, unit: try await unit(h))
        let b = try await h.account(.unitReadOnly, unit: try await unit(h))
        h.clock.advance(10 * 60)
        _ = try await h.center.auth.authenticate(b.token, source: "x")
        h.clock.advance(6 * 60)
        let purged = try await h.center.auth.purgeIdleSessions()
        XCTAssertEqual(purged, 1)
        await assertRefused("unauthorized") { try await h.center.auth.authenticate(a.token, source: "x") }
        _ = try await h.center.auth.authenticate(b.token, source: "x")
    }

    func testADisabledUsersSessionsAndTokensStopWorking() async throws {
        let h = try Harness(testCase: self)
        let sys = try await h.account(.systemAdmin)
        let a = try await h.account(.securityAdmin)
        let token = try await h.center.users.createToken(name: "cmdb-sync", scopes: ["registry:read"], by: a.principal)
        _ = try await h.center.auth.authenticate(a.token, source: "x")
        _ = try await h.center.auth.authenticate(token.token, source: "x")
        await assertRefused("conflict", fields: ["disabled"], "nobody disables themself") {
            try await h.center.users.update(sys.user.id, displayName: nil, disabled: true, version: sys.user.version, by: sys.principal)
        }
        let disabled = try await h.center.users.update(a.user.id, displayName: nil, disabled: true, version: a.user.version, by: sys.principal)
        XCTAssertTrue(disabled.disabled)
        await assertRefused("unauthorized", "session") { try await h.center.auth.authenticate(a.token, source: "x") }
        await assertRefused("unauthorized", "token") { try await h.center.auth.authenticate(token.token, source: "x") }
        await assertRefused("unauthorized", "new login") { try await self.login(h, a.username) }
        let record = try await h.store.auditRecords(AuditQuery(action: "user.disable"), page: PageRequest()).items.first
        XCTAssertEqual(record?.actorName, sys.username)
        XCTAssertEqual(record?.targetID, String(a.user.id))
    }

    func testLogoutEndsTheSession() async throws {
        let h = try Harness(testCase: self)
        let a = try await h.account(.unitReadOnly, unit: try await unit(h))
        try await h.center.auth.logout(a.token, principal: a.principal)
        await assertRefused("unauthorized") { try await h.center.auth.authenticate(a.token, source: "x") }
    }

    func testPasswordPolicy() async throws {
        let h = try Harness(testCase: self)
        let sys = try await h.account(.systemAdmin)
        for (password, why) in [("Ab1#xyz", "too short"), ("abcdefghijkl", "one class"), ("abcdefgh1234", "two classes"),
                                ("ABCDEFGH!!!!", "two classes"), ("Alice#2024Pass", "contains the username"), ("xALICEx#2024", "any case"),
                                (String(repeating: "Aa1#", count: 33), "too long")] {
            await assertRefused("validation", fields: ["password"], why) {
                try await h.center.users.create(NewUserRequest(username: "alice", displayName: "Alice", role: "unit-readonly",
                                                               unitID: try await self.unit(h, serial: 5), password: password), by: sys.principal)
            }
        }
        for (i, good) in ["Xy7#kLm9$q", "correcthorse9!", "正确的马电池订书钉Ab1"].enumerated() {
            let created = try await h.center.users.create(NewUserRequest(username: "good\(i)", displayName: "x",
                                                                         role: "audit-admin", password: good), by: sys.principal)
            XCTAssertEqual(created.user.role, .auditAdmin, good)
        }
        // Changing one's own password follows the same rule, and ends the other sessions.
        let a = try await h.account(.unitReadOnly, unit: try await unit(h, serial: 6))
        await assertRefused("validation", fields: ["password"]) {
            try await h.center.users.changeOwnPassword(current: Harness.password, new: "short", by: a.principal)
        }
        await assertRefused("validation", fields: ["currentPassword"]) {
            try await h.center.users.changeOwnPassword(current: "Wrong#Horse9", new: "Another#Horse9", by: a.principal)
        }
        try await h.center.users.changeOwnPassword(current: Harness.password, new: "Another#Horse9", by: a.principal)
        await assertRefused("unauthorized", "sessions opened with the old password end") { try await h.center.auth.authenticate(a.token, source: "x") }
        await assertRefused("unauthorized") { try await self.login(h, a.username) }
        _ = try await login(h, a.username, password: "Another#Horse9")
        let stored = try await h.store.credentials(username: a.username)
        XCTAssertTrue(stored?.passwordHash.hasPrefix("scrypt$") == true, "stored with scrypt")
        XCTAssertFalse(stored?.passwordHash.contains("Another#Horse9") == true)
    }

    func testTokensAreScopedAndRevocable() async throws {
        let s = try await Scene(Harness(testCase: self))
        let h = s.h
        let a = s.sec
        let issued = try await h.center.users.createToken(name: "cmdb", scopes: ["registry:read"], by: a.principal)
        XCTAssertTrue(issued.token.hasPrefix("ayt_"))
        XCTAssertEqual(issued.info.scopes, [.registryRead])
        let raw = try h.sqlite("SELECT token_hash, prefix FROM api_token;").output
        XCTAssertFalse(raw.contains(issued.token), "only a digest is stored")

        let tp = try await h.center.auth.authenticate(issued.token, source: "192.0.2.1")
        XCTAssertEqual(tp.kind, .token)
        XCTAssertEqual(tp.scopes, [.registryRead])
        XCTAssertEqual(tp.sourceAddress, "192.0.2.1")
        let hosts = try await h.center.registry.hosts(HostQuery(), by: tp)
        XCTAssertEqual(hosts.total, 2)
        let draft = HostDraft(systemID: s.systemA.id, hostname: "via-token", ips: ["10.1.0.77"], os: "UOS", platform: "浪潮云")
        await assertRefused("forbidden", "its owner could, the token may not") { try await h.center.registry.createHost(draft, by: tp) }
        await assertRefused("forbidden") { try await h.center.catalog.update("waf", CatalogUpdate(unitPrice: 1, version: 1), by: tp) }
        await assertRefused("forbidden") {
            try await h.center.subscriptions.decide(1, approve: true, note: "", version: 1, by: tp)
        }
        await assertRefused("forbidden", "a token cannot issue tokens") {
            try await h.center.users.createToken(name: "child", scopes: ["registry:read"], by: tp)
        }
        let byOwner = try await h.center.registry.createHost(draft, by: a.principal)
        XCTAssertEqual(byOwner.hostname, "via-token")
        let count = try await h.hostCount()
        XCTAssertEqual(count, 3)

        let writer = try await h.center.users.createToken(name: "cmdb-write", scopes: ["registry:write", "registry:read"], by: a.principal)
        let wp = try await h.center.auth.authenticate(writer.token, source: "192.0.2.1")
        let viaWriter = try await h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "via-writer", ips: ["10.1.0.79"],
                                                                         os: "UOS", platform: "浪潮云"), by: wp)
        let record = try await h.lastAudit()
        XCTAssertEqual(record?.targetID, String(viaWriter.id))
        XCTAssertEqual(record?.actorName, "secadmin/token:cmdb-write", "the trail tells a token's work from its owner's")

        try await h.center.users.revokeToken(issued.info.id, by: a.principal)
        await assertRefused("unauthorized", "revoked") { try await h.center.auth.authenticate(issued.token, source: "192.0.2.1") }
        let listed = try await h.center.users.tokens(by: a.principal)
        XCTAssertNotNil(listed.first { $0.id == issued.info.id }?.revokedAt)
        _ = try await h.center.auth.authenticate(writer.token, source: "192.0.2.1")

        // Someone else's token is not yours to revoke.
        let other = try await h.account(.securityAdmin, username: "secadmin2")
        await assertRefused("notFound") { try await h.center.users.revokeToken(writer.info.id, by: other.principal) }
        _ = try await h.center.auth.authenticate(writer.token, source: "192.0.2.1")
        // The system administrator manages every account's credentials.
        let sys = try await h.account(.systemAdmin)
        try await h.center.users.revokeToken(writer.info.id, by: sys.principal)
        await assertRefused("unauthorized") { try await h.center.auth.authenticate(writer.token, source: "192.0.2.1") }
    }

    func testATokenCannotExceedItsOwnersRole() async throws {
        let s = try await Scene(Harness(testCase: self))
        let h = s.h
        // The system administrator manages users but neither the registry nor the trail: no token can give it those.
        let sys = try await h.account(.systemAdmin)
        await assertRefused("validation", fields: ["scopes[0]"]) {
            try await h.center.users.createToken(name: "sneaky", scopes: ["registry:write"], by: sys.principal)
        }
        await assertRefused("validation", fields: ["scopes[1]"]) {
            try await h.center.users.createToken(name: "sneaky", scopes: ["registry:read", "audit:read"], by: sys.principal)
        }
        await assertRefused("validation", fields: ["scopes[0]", "scopes[1]"]) {
            try await h.center.users.createToken(name: "sneaky", scopes: ["usage:write", "billing:read"], by: sys.principal)
        }
        await assertRefused("validation", fields: ["scopes[0]"]) {
            try await h.center.users.createToken(name: "typo", scopes: ["registry:admin"], by: sys.principal)
        }
        await assertRefused("validation", fields: ["scopes"]) {
            try await h.center.users.createToken(name: "empty", scopes: [], by: sys.principal)
        }
        let tokens = try await h.store.tokens(ownerID: sys.user.id)
        XCTAssertTrue(tokens.isEmpty)
        // Unit accounts and the audit administrator hold no token management at all.
        for role in [Role.unitReadOnly, .unitAdmin, .auditAdmin] {
            let p = try await h.account(role, unit: role.isUnitScoped ? s.unitA.id : nil).principal
            await assertRefused("forbidden", "\(role)") {
                try await h.center.users.createToken(name: "sneaky", scopes: ["registry:write"], by: p)
            }
        }
        // Even a token whose stored scopes were widened behind the centre's back is bounded by its owner's role.
        let issued = try await h.center.users.createToken(name: "ro", scopes: ["registry:read"], by: sys.principal)
        let widen = try h.sqlite("UPDATE api_token SET scopes = 'registry:read registry:write audit:read' WHERE id = \(issued.info.id);")
        XCTAssertEqual(widen.status, 0, widen.error)
        let widened = try await h.center.auth.authenticate(issued.token, source: "x")
        XCTAssertEqual(widened.scopes, [.registryRead, .registryWrite, .auditRead])
        await assertRefused("forbidden") {
            try await h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "w", ips: ["10.1.0.80"], os: "UOS", platform: "浪潮云"),
                                                   by: widened)
        }
        await assertRefused("forbidden") { try await h.center.audit.records(AuditQuery(), page: PageRequest(), by: widened) }
        let hosts = try await h.center.registry.hosts(HostQuery(), by: widened)
        XCTAssertEqual(hosts.total, 2)
    }

    private func unit(_ h: Harness, serial: Int = 1) async throws -> Int64 {
        if let existing = try await h.store.units(UnitQuery(text: creditCode(serial: serial)), scope: .allUnits).items.first { return existing.id }
        return try await h.store.createUnit(try UnitDraft(name: "单位\(serial)", creditCode: creditCode(serial: serial), contactName: "张伟",
                                                          contactPhone: "0531-88880001").validated(), by: .system).id
    }
}
