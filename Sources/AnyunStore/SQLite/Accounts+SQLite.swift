import AnyunCore
import Foundation
import GRDB

enum AccountRows {
    static func account(_ r: Row) -> UserAccount {
        UserAccount(id: r["id"], username: r["username"], displayName: r["display_name"],
                    role: Role(rawValue: r["role"]) ?? .unitReadOnly, unitID: r["unit_id"], disabled: r["disabled"],
                    totpEnrolled: (r["totp_secret"] as String?) != nil, failedLogins: r["failed_logins"],
                    lockedUntil: r["locked_until"], lastLoginAt: r["last_login_at"],
                    passwordChangedAt: r["password_changed_at"], version: r["version"], createdAt: r["created_at"])
    }

    static func credentials(_ r: Row) -> StoredCredentials {
        StoredCredentials(account: account(r), passwordHash: r["password_hash"], sealedTOTPSecret: r["totp_secret"])
    }

    static func token(_ r: Row) -> APIToken {
        APIToken(id: r["id"], name: r["name"], ownerID: r["owner_id"],
                 scopes: (r["scopes"] as String).split(separator: " ").compactMap { TokenScope(rawValue: String($0)) },
                 prefix: r["prefix"], createdAt: r["created_at"], lastUsedAt: r["last_used_at"], revokedAt: r["revoked_at"])
    }
}

extension SQLiteStore: AccountStore {
    public func createUser(_ v: NewUser, by actor: AuditActor) async throws -> UserAccount {
        let time = now()
        return try await write { db in
            if try Int.fetchOne(db, sql: "SELECT 1 FROM user_account WHERE username = ?", arguments: [v.username]) != nil {
                throw StoreError.conflict(FieldError("username", "用户名已存在 (username taken)"))
            }
            if let unitID = v.unitID, try Self.fetchUnit(db, unitID) == nil {
                throw StoreError.conflict(FieldError("unitID", "单位不存在 (unknown unit \(unitID))"))
            }
            try db.execute(sql: """
                INSERT INTO user_account (username, display_name, role, unit_id, password_hash, totp_secret,
                    password_changed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [v.username, v.displayName, v.role.rawValue, v.unitID, v.passwordHash, v.sealedTOTPSecret,
                                 time, time])
            let user = try Self.fetchAccount(db, db.lastInsertedRowID)!
            try AuditTrailWriter.append(db, AuditEntry(action: "user.create", targetType: "user", targetID: String(user.id),
                                                       unitID: user.unitID, after: AuditJSON.encode(user)), by: actor, at: time)
            return user
        }
    }

    static func fetchAccount(_ db: Database, _ id: Int64) throws -> UserAccount? {
        try Row.fetchOne(db, sql: "SELECT * FROM user_account WHERE id = ?", arguments: [id]).map(AccountRows.account)
    }

    public func user(id: Int64) async throws -> UserAccount? {
        try await read { db in try Self.fetchAccount(db, id) }
    }

    public func users(role: Role?, unitID: Int64?, page: PageRequest) async throws -> Page<UserAccount> {
        try await read { db in
            var f = Filter(unitColumn: "unit_id", scope: .allUnits, requestedUnit: unitID)
            if let role { f.add("role = ?", role.rawValue) }
            return try f.page(db, table: "user_account", page: page, map: AccountRows.account)
        }
    }

    public func credentials(username: String) async throws -> StoredCredentials? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user_account WHERE username = ?", arguments: [username])
                .map(AccountRows.credentials)
        }
    }

    public func credentials(userID: Int64) async throws -> StoredCredentials? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user_account WHERE id = ?", arguments: [userID]).map(AccountRows.credentials)
        }
    }

    public func updateUser(id: Int64, displayName: String, disabled: Bool, expectedVersion: Int, by actor: AuditActor) async throws -> UserAccount {
        let time = now()
        return try await write { db in
            guard let before = try Self.fetchAccount(db, id) else { throw StoreError.notFound(entity: "user", id: String(id)) }
            try Self.checkVersion("user", expected: expectedVersion, current: before.version)
            try db.execute(sql: "UPDATE user_account SET display_name = ?, disabled = ?, version = version + 1 WHERE id = ?",
                           arguments: [displayName, disabled, id])
            if disabled { try db.execute(sql: "DELETE FROM session WHERE user_id = ?", arguments: [id]) }
            let after = try Self.fetchAccount(db, id)!
            try AuditTrailWriter.append(db, AuditEntry(action: disabled && !before.disabled ? "user.disable" : "user.update",
                                                       targetType: "user", targetID: String(id), unitID: after.unitID,
                                                       before: AuditJSON.encode(before), after: AuditJSON.encode(after)),
                                        by: actor, at: time)
            return after
        }
    }

    public func setPassword(userID: Int64, hash: String, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            guard try Self.fetchAccount(db, userID) != nil else { throw StoreError.notFound(entity: "user", id: String(userID)) }
            try db.execute(sql: """
                UPDATE user_account SET password_hash = ?, password_changed_at = ?, version = version + 1 WHERE id = ?
                """, arguments: [hash, time, userID])
            // Existing sessions were opened with the old password: end them.
            try db.execute(sql: "DELETE FROM session WHERE user_id = ?", arguments: [userID])
            try AuditTrailWriter.append(db, AuditEntry(action: "user.set-password", targetType: "user", targetID: String(userID)),
                                        by: actor, at: time)
        }
    }

    public func setTOTP(userID: Int64, sealedSecret: String?, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            guard try Self.fetchAccount(db, userID) != nil else { throw StoreError.notFound(entity: "user", id: String(userID)) }
            try db.execute(sql: "UPDATE user_account SET totp_secret = ?, version = version + 1 WHERE id = ?",
                           arguments: [sealedSecret, userID])
            try AuditTrailWriter.append(db, AuditEntry(action: sealedSecret == nil ? "user.totp-reset" : "user.totp-enroll",
                                                       targetType: "user", targetID: String(userID)), by: actor, at: time)
        }
    }

    public func recordLoginFailure(userID: Int64, threshold: Int, lockFor: TimeInterval, reason: String,
                                   by actor: AuditActor) async throws -> UserAccount {
        let time = now()
        return try await write { db in
            try db.execute(sql: "UPDATE user_account SET failed_logins = failed_logins + 1 WHERE id = ?", arguments: [userID])
            var account = try Self.fetchAccount(db, userID)!
            var detail = reason
            if account.failedLogins >= threshold {
                let until = time.addingTimeInterval(lockFor)
                try db.execute(sql: "UPDATE user_account SET locked_until = ?, failed_logins = 0 WHERE id = ?",
                               arguments: [until, userID])
                account = try Self.fetchAccount(db, userID)!
                detail += "; locked until \(ISO8601DateFormatter().string(from: until))"
            }
            try AuditTrailWriter.append(db, AuditEntry(action: "auth.login", targetType: "user", targetID: String(userID),
                                                       unitID: account.unitID, outcome: "failure", detail: detail),
                                        by: actor, at: time)
            return account
        }
    }

    public func recordLoginSuccess(userID: Int64, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            try db.execute(sql: """
                UPDATE user_account SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?
                """, arguments: [time, userID])
            let unitID = try Int64.fetchOne(db, sql: "SELECT unit_id FROM user_account WHERE id = ?", arguments: [userID])
            try AuditTrailWriter.append(db, AuditEntry(action: "auth.login", targetType: "user", targetID: String(userID),
                                                       unitID: unitID), by: actor, at: time)
        }
    }

    public func unlock(userID: Int64, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            guard try Self.fetchAccount(db, userID) != nil else { throw StoreError.notFound(entity: "user", id: String(userID)) }
            try db.execute(sql: "UPDATE user_account SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [userID])
            try AuditTrailWriter.append(db, AuditEntry(action: "user.unlock", targetType: "user", targetID: String(userID)),
                                        by: actor, at: time)
        }
    }

    // MARK: sessions

    public func createSession(_ s: SessionRecord) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO session (token_hash, user_id, created_at, last_seen_at, source_address) VALUES (?, ?, ?, ?, ?)
                """, arguments: [s.tokenHash, s.userID, s.createdAt, s.lastSeenAt, s.sourceAddress])
        }
    }

    public func session(tokenHash: String) async throws -> SessionRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM session WHERE token_hash = ?", arguments: [tokenHash]).map {
                SessionRecord(tokenHash: $0["token_hash"], userID: $0["user_id"], createdAt: $0["created_at"],
                              lastSeenAt: $0["last_seen_at"], sourceAddress: $0["source_address"])
            }
        }
    }

    public func touchSession(tokenHash: String, at time: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE session SET last_seen_at = ? WHERE token_hash = ?", arguments: [time, tokenHash])
        }
    }

    public func deleteSession(tokenHash: String, by actor: AuditActor?) async throws {
        let time = now()
        try await write { db in
            let userID = try Int64.fetchOne(db, sql: "SELECT user_id FROM session WHERE token_hash = ?", arguments: [tokenHash])
            try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [tokenHash])
            if let actor, let userID {
                try AuditTrailWriter.append(db, AuditEntry(action: "auth.logout", targetType: "user", targetID: String(userID)),
                                            by: actor, at: time)
            }
        }
    }

    public func deleteSessions(userID: Int64) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM session WHERE user_id = ?", arguments: [userID]) }
    }

    public func purgeSessions(idleBefore: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM session WHERE last_seen_at < ?", arguments: [idleBefore])
            return db.changesCount
        }
    }

    // MARK: machine tokens

    public func createToken(name: String, ownerID: Int64, scopes: [TokenScope], tokenHash: String, prefix: String,
                            by actor: AuditActor) async throws -> APIToken {
        let time = now()
        return try await write { db in
            guard try Self.fetchAccount(db, ownerID) != nil else {
                throw StoreError.conflict(FieldError("ownerID", "用户不存在 (unknown user \(ownerID))"))
            }
            try db.execute(sql: """
                INSERT INTO api_token (name, owner_id, scopes, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [name, ownerID, scopes.map(\.rawValue).joined(separator: " "), tokenHash, prefix, time])
            let token = try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [db.lastInsertedRowID])
                .map(AccountRows.token)!
            try AuditTrailWriter.append(db, AuditEntry(action: "token.create", targetType: "token", targetID: String(token.id),
                                                       after: AuditJSON.encode(token)), by: actor, at: time)
            return token
        }
    }

    public func token(hash: String) async throws -> (APIToken, UserAccount)? {
        try await read { db in
            guard let token = try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE token_hash = ?", arguments: [hash])
                .map(AccountRows.token), let owner = try Self.fetchAccount(db, token.ownerID) else { return nil }
            return (token, owner)
        }
    }

    public func tokens(ownerID: Int64?) async throws -> [APIToken] {
        try await read { db in
            if let ownerID {
                return try Row.fetchAll(db, sql: "SELECT * FROM api_token WHERE owner_id = ? ORDER BY id", arguments: [ownerID])
                    .map(AccountRows.token)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY id").map(AccountRows.token)
        }
    }

    public func revokeToken(id: Int64, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM api_token WHERE id = ?", arguments: [id]) != nil else {
                throw StoreError.notFound(entity: "token", id: String(id))
            }
            try db.execute(sql: "UPDATE api_token SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", arguments: [time, id])
            try AuditTrailWriter.append(db, AuditEntry(action: "token.revoke", targetType: "token", targetID: String(id)),
                                        by: actor, at: time)
        }
    }

    public func touchToken(id: Int64, at time: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE api_token SET last_used_at = ? WHERE id = ?", arguments: [time, id])
        }
    }
}

extension SQLiteStore: SettingsStore {
    public func setting(_ key: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, _ value: String, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            let before = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
            try AuditTrailWriter.append(db, AuditEntry(action: "setting.update", targetType: "setting", targetID: key,
                                                       before: before, after: value), by: actor, at: time)
        }
    }
}
