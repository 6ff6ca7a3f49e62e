import GRDB

/// Versioned migrations. A migration, once released, is never edited: add the next one.
enum Schema {
    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-centre", migrate: v1)
        return m
    }

    static func v1(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE unit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            credit_code TEXT NOT NULL UNIQUE,
            contact_name TEXT NOT NULL,
            contact_phone TEXT NOT NULL,
            contact_email TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL
        );
        CREATE TABLE business_system (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            unit_id INTEGER NOT NULL REFERENCES unit(id),
            name TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
            filing_number TEXT NOT NULL DEFAULT '',
            security_domain TEXT NOT NULL,
            owner TEXT NOT NULL,
            owner_phone TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            UNIQUE (unit_id, name)
        );
        CREATE INDEX business_system_unit ON business_system(unit_id);
        CREATE TABLE host (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            unit_id INTEGER NOT NULL REFERENCES unit(id),
            system_id INTEGER NOT NULL REFERENCES business_system(id),
            hostname TEXT NOT NULL,
            ips TEXT NOT NULL,
            os TEXT NOT NULL,
            platform TEXT NOT NULL,
            security_domain TEXT NOT NULL,
            state TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            UNIQUE (system_id, hostname)
        );
        CREATE INDEX host_unit ON host(unit_id, id);
        CREATE INDEX host_system ON host(system_id);
        -- An address is unique within a security domain: the same private range may be reused
        -- in another domain, never twice in one.
        CREATE TABLE host_ip (
            host_id INTEGER NOT NULL REFERENCES host(id) ON DELETE CASCADE,
            security_domain TEXT NOT NULL,
            ip TEXT NOT NULL,
            PRIMARY KEY (security_domain, ip)
        );
        CREATE INDEX host_ip_host ON host_ip(host_id);

        CREATE TABLE catalog_entry (
            service TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            metering_unit TEXT NOT NULL,
            unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
            description TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            version INTEGER NOT NULL DEFAULT 1
        );
        -- Prices by the day they take effect: a day is always billed at the price it had.
        CREATE TABLE catalog_price (
            service TEXT NOT NULL REFERENCES catalog_entry(service),
            effective_day TEXT NOT NULL,
            unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
            PRIMARY KEY (service, effective_day)
        );
        CREATE TABLE service_application (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            unit_id INTEGER NOT NULL REFERENCES unit(id),
            service TEXT NOT NULL REFERENCES catalog_entry(service),
            system_ids TEXT NOT NULL,
            host_ids TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            start_day TEXT NOT NULL,
            end_day TEXT,
            purpose TEXT NOT NULL,
            status TEXT NOT NULL,
            applicant TEXT NOT NULL,
            decided_by TEXT,
            decision_note TEXT,
            subscription_id INTEGER,
            version INTEGER NOT NULL DEFAULT 1,
            created_at DATETIME NOT NULL,
            decided_at DATETIME
        );
        CREATE INDEX service_application_unit ON service_application(unit_id, status);
        CREATE TABLE subscription (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            unit_id INTEGER NOT NULL REFERENCES unit(id),
            service TEXT NOT NULL REFERENCES catalog_entry(service),
            application_id INTEGER NOT NULL UNIQUE REFERENCES service_application(id),
            system_ids TEXT NOT NULL,
            host_ids TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            start_day TEXT NOT NULL,
            end_day TEXT,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX subscription_unit ON subscription(unit_id);

        CREATE TABLE usage_daily (
            subscription_id INTEGER NOT NULL REFERENCES subscription(id),
            unit_id INTEGER NOT NULL,
            service TEXT NOT NULL,
            day TEXT NOT NULL,
            month TEXT NOT NULL,
            quantity_milli INTEGER NOT NULL CHECK (quantity_milli >= 0),
            unit_price INTEGER NOT NULL,
            PRIMARY KEY (subscription_id, day)
        );
        CREATE INDEX usage_daily_unit_month ON usage_daily(unit_id, month);
        CREATE TABLE storage_report (
            unit_id INTEGER NOT NULL REFERENCES unit(id),
            service TEXT NOT NULL,
            host_key INTEGER NOT NULL,
            day TEXT NOT NULL,
            bytes INTEGER NOT NULL CHECK (bytes >= 0),
            reported_at DATETIME NOT NULL,
            PRIMARY KEY (unit_id, service, host_key, day)
        );
        CREATE TABLE closed_month (
            month TEXT PRIMARY KEY,
            closed_at DATETIME NOT NULL,
            closed_by TEXT NOT NULL
        );
        CREATE TABLE statement (
            unit_id INTEGER NOT NULL,
            month TEXT NOT NULL,
            unit_name TEXT NOT NULL,
            body TEXT NOT NULL,
            total INTEGER NOT NULL,
            generated_at DATETIME NOT NULL,
            PRIMARY KEY (unit_id, month)
        );
        CREATE TABLE metering_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_day TEXT NOT NULL
        );

        CREATE TABLE user_account (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            unit_id INTEGER REFERENCES unit(id),
            password_hash TEXT NOT NULL,
            totp_secret TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until DATETIME,
            last_login_at DATETIME,
            password_changed_at DATETIME NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            created_at DATETIME NOT NULL,
            CHECK ((role IN ('unit-admin', 'unit-readonly')) = (unit_id IS NOT NULL))
        );
        CREATE TABLE session (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
            created_at DATETIME NOT NULL,
            last_seen_at DATETIME NOT NULL,
            source_address TEXT NOT NULL
        );
        CREATE TABLE api_token (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            owner_id INTEGER NOT NULL REFERENCES user_account(id),
            scopes TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            created_at DATETIME NOT NULL,
            last_used_at DATETIME,
            revoked_at DATETIME
        );
        CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            time_us INTEGER NOT NULL,
            actor_id INTEGER,
            actor_name TEXT NOT NULL,
            actor_role TEXT NOT NULL,
            source_address TEXT NOT NULL,
            action TEXT NOT NULL,
            target_type TEXT NOT NULL,
            target_id TEXT NOT NULL,
            unit_id INTEGER,
            outcome TEXT NOT NULL,
            before TEXT,
            after TEXT,
            detail TEXT,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_log_time ON audit_log(time_us);
        CREATE TABLE audit_seal (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            seq INTEGER NOT NULL,
            head_hash TEXT NOT NULL,
            time_us INTEGER NOT NULL,
            signature TEXT NOT NULL,
            key_fingerprint TEXT NOT NULL
        );

        -- The product offers no way to change history: the trail, its seals and closed months
        -- refuse updates and deletes at the database level too.
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
        CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_seal
            BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;
        CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_seal
            BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;
        CREATE TRIGGER statement_no_update BEFORE UPDATE ON statement
            BEGIN SELECT RAISE(ABORT, 'closed statements are final'); END;
        CREATE TRIGGER statement_no_delete BEFORE DELETE ON statement
            BEGIN SELECT RAISE(ABORT, 'closed statements are final'); END;
        CREATE TRIGGER usage_closed_insert BEFORE INSERT ON usage_daily
            WHEN EXISTS (SELECT 1 FROM closed_month WHERE month = NEW.month)
            BEGIN SELECT RAISE(ABORT, 'month is closed'); END;
        CREATE TRIGGER usage_closed_update BEFORE UPDATE ON usage_daily
            WHEN EXISTS (SELECT 1 FROM closed_month WHERE month = OLD.month)
            BEGIN SELECT RAISE(ABORT, 'month is closed'); END;
        CREATE TRIGGER usage_closed_delete BEFORE DELETE ON usage_daily
            WHEN EXISTS (SELECT 1 FROM closed_month WHERE month = OLD.month)
            BEGIN SELECT RAISE(ABORT, 'month is closed'); END;
        CREATE TRIGGER closed_month_no_delete BEFORE DELETE ON closed_month
            BEGIN SELECT RAISE(ABORT, 'closed months stay closed'); END;
        """)
    }
}
