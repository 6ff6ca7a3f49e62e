/// What a subscription is counted in. The quantity of a day is measured in thousandths
/// (milli-units) so that stored gigabytes bill exactly without floating point.
public enum MeteringUnit: String, Codable, Sendable, CaseIterable {
    case hostMonth = "host-month"
    case siteMonth = "site-month"
    case accountMonth = "account-month"
    case instanceMonth = "instance-month"
    case systemMonth = "system-month"
    case gbMonth = "gb-month"

    public var chineseName: String {
        switch self {
        case .hostMonth: "台·月"
        case .siteMonth: "站点·月"
        case .accountMonth: "账号·月"
        case .instanceMonth: "实例·月"
        case .systemMonth: "系统·月"
        case .gbMonth: "GB·月"
        }
    }

    /// How a subscription's daily quantity is found.
    public var quantitySource: QuantitySource {
        switch self {
        case .hostMonth: .coveredHosts
        case .systemMonth: .coveredSystems
        case .gbMonth: .reportedStorage
        case .siteMonth, .accountMonth, .instanceMonth: .declared
        }
    }
}

public enum QuantitySource: Sendable {
    /// Hosts in service among those the subscription covers (directly or through its systems).
    case coveredHosts
    case coveredSystems
    /// A number the application states (sites, accounts, instances).
    case declared
    /// Bytes an engine reports per day (backup); billed in GB.
    case reportedStorage
}

/// The security services the cloud sells (安全服务目录).
public enum ServiceKind: String, Codable, Sendable, CaseIterable {
    case cloudFirewall = "cloud-firewall"
    case vpn
    case hostDefense = "host-defense"
    case waf
    case logAudit = "log-audit"
    case dbAudit = "db-audit"
    case bastion
    case hostSecurity = "host-security"
    case tamperProtection = "tamper-protection"
    case situationAwareness = "situation-awareness"
    case vulnScan = "vuln-scan"
    case localBackup = "local-backup"
    case offsiteBackup = "offsite-backup"

    public var chineseName: String {
        switch self {
        case .cloudFirewall: "云防火墙"
        case .vpn: "VPN"
        case .hostDefense: "云主机安全防御"
        case .waf: "云WAF"
        case .logAudit: "日志审计"
        case .dbAudit: "数据库审计"
        case .bastion: "堡垒机"
        case .hostSecurity: "主机安全"
        case .tamperProtection: "网页防篡改"
        case .situationAwareness: "态势感知"
        case .vulnScan: "漏洞扫描"
        case .localBackup: "本地备份"
        case .offsiteBackup: "异地灾备"
        }
    }

    public var defaultMeteringUnit: MeteringUnit {
        switch self {
        case .cloudFirewall, .dbAudit: .instanceMonth
        case .vpn: .accountMonth
        case .waf: .siteMonth
        case .hostDefense, .logAudit, .bastion, .hostSecurity, .tamperProtection, .vulnScan: .hostMonth
        case .situationAwareness: .systemMonth
        case .localBackup, .offsiteBackup: .gbMonth
        }
    }

    /// List prices in fen per unit-month for a fresh installation; the security administrator edits them.
    public var defaultPrice: Fen {
        switch self {
        case .cloudFirewall: Fen(800_000)
        case .vpn: Fen(5_000)
        case .hostDefense: Fen(15_000)
        case .waf: Fen(300_000)
        case .logAudit: Fen(6_000)
        case .dbAudit: Fen(200_000)
        case .bastion: Fen(10_000)
        case .hostSecurity: Fen(12_000)
        case .tamperProtection: Fen(20_000)
        case .situationAwareness: Fen(100_000)
        case .vulnScan: Fen(8_000)
        case .localBackup: Fen(30)
        case .offsiteBackup: Fen(50)
        }
    }
}

/// A catalogue entry: a service with its current metering unit and price.
public struct CatalogEntry: Codable, Sendable, Equatable {
    public var service: ServiceKind
    public var name: String
    public var meteringUnit: MeteringUnit
    public var unitPrice: Fen
    public var description: String
    public var enabled: Bool
    public var version: Int

    public init(service: ServiceKind, name: String, meteringUnit: MeteringUnit, unitPrice: Fen,
                description: String, enabled: Bool, version: Int) {
        self.service = service
        self.name = name
        self.meteringUnit = meteringUnit
        self.unitPrice = unitPrice
        self.description = description
        self.enabled = enabled
        self.version = version
    }
}
