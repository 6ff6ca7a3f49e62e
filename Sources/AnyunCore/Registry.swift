import Foundation

/// A government unit (单位) hosted on the cloud: the tenant every other row belongs to.
public struct GovUnit: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var name: String
    public var creditCode: String
    public var contactName: String
    public var contactPhone: String
    public var contactEmail: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, name: String, creditCode: String, contactName: String, contactPhone: String,
                contactEmail: String, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The MLPS protection level (等级保护级别) a business system is filed at.
public struct MLPSLevel: RawRepresentable, Codable, Sendable, Hashable, Comparable {
    public let rawValue: Int
    public init?(rawValue: Int) {
        guard (1...4).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }
    public static func < (a: MLPSLevel, b: MLPSLevel) -> Bool { a.rawValue < b.rawValue }
    public var chineseName: String { ["", "一级", "二级", "三级", "四级"][rawValue] }
}

/// A business system (业务系统) of a unit, filed with the public security organ at an MLPS level.
public struct BusinessSystem: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var unitID: Int64
    public var name: String
    public var level: Int
    public var filingNumber: String
    public var securityDomain: String
    public var owner: String
    public var ownerPhone: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, unitID: Int64, name: String, level: Int, filingNumber: String, securityDomain: String,
                owner: String, ownerPhone: String, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.unitID = unitID
        self.name = name
        self.level = level
        self.filingNumber = filingNumber
        self.securityDomain = securityDomain
        self.owner = owner
        self.ownerPhone = ownerPhone
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Where a cloud host is in its life: billing and checks count only hosts that are in service.
public enum HostState: String, Codable, Sendable, CaseIterable {
    case planned, active, maintenance, retired

    public var chineseName: String {
        switch self {
        case .planned: "规划中"
        case .active: "运行中"
        case .maintenance: "维护中"
        case .retired: "已下线"
        }
    }

    /// Accepts the English value or the Chinese label, as operators type either in spreadsheets.
    public init?(label: String) {
        let t = label.trimmingWhitespace()
        if let s = HostState(rawValue: t.lowercased()) { self = s; return }
        guard let s = HostState.allCases.first(where: { $0.chineseName == t }) else { return nil }
        self = s
    }

    public var isInService: Bool { self == .active || self == .maintenance }
}

/// A cloud host (云主机) running one business system.
public struct CloudHost: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var unitID: Int64
    public var systemID: Int64
    public var hostname: String
    public var ips: [String]
    public var os: String
    public var platform: String
    public var securityDomain: String
    public var state: HostState
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, unitID: Int64, systemID: Int64, hostname: String, ips: [String], os: String, platform: String,
                securityDomain: String, state: HostState, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.unitID = unitID
        self.systemID = systemID
        self.hostname = hostname
        self.ips = ips
        self.os = os
        self.platform = platform
        self.securityDomain = securityDomain
        self.state = state
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
