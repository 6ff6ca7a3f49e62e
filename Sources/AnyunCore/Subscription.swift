import Foundation

public enum ApplicationStatus: String, Codable, Sendable, CaseIterable {
    case pending, approved, rejected, withdrawn

    public var chineseName: String {
        switch self {
        case .pending: "待审批"
        case .approved: "已批准"
        case .rejected: "已驳回"
        case .withdrawn: "已撤回"
        }
    }
}

/// A service application (安全服务申请函): a unit asks for one service for some of its systems or hosts.
public struct ServiceApplication: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var unitID: Int64
    public var service: ServiceKind
    public var systemIDs: [Int64]
    public var hostIDs: [Int64]
    /// Sites, accounts or instances for services counted that way; ignored otherwise.
    public var quantity: Int
    public var startDay: Day
    public var endDay: Day?
    public var purpose: String
    public var status: ApplicationStatus
    public var applicant: String
    public var decidedBy: String?
    public var decisionNote: String?
    public var subscriptionID: Int64?
    public var version: Int
    public var createdAt: Date
    public var decidedAt: Date?

    public init(id: Int64, unitID: Int64, service: ServiceKind, systemIDs: [Int64], hostIDs: [Int64], quantity: Int,
                startDay: Day, endDay: Day?, purpose: String, status: ApplicationStatus, applicant: String,
                decidedBy: String?, decisionNote: String?, subscriptionID: Int64?, version: Int,
                createdAt: Date, decidedAt: Date?) {
        self.id = id
        self.unitID = unitID
        self.service = service
        self.systemIDs = systemIDs
        self.hostIDs = hostIDs
        self.quantity = quantity
        self.startDay = startDay
        self.endDay = endDay
        self.purpose = purpose
        self.status = status
        self.applicant = applicant
        self.decidedBy = decidedBy
        self.decisionNote = decisionNote
        self.subscriptionID = subscriptionID
        self.version = version
        self.createdAt = createdAt
        self.decidedAt = decidedAt
    }
}

public struct ApplicationDraft: Codable, Sendable, Equatable {
    public var unitID: Int64?
    public var service: String?
    public var systemIDs: [Int64]?
    public var hostIDs: [Int64]?
    public var quantity: Int?
    public var startDay: String?
    public var endDay: String?
    public var purpose: String?

    public init(unitID: Int64? = nil, service: String? = nil, systemIDs: [Int64]? = nil, hostIDs: [Int64]? = nil,
                quantity: Int? = nil, startDay: String? = nil, endDay: String? = nil, purpose: String? = nil) {
        self.unitID = unitID
        self.service = service
        self.systemIDs = systemIDs
        self.hostIDs = hostIDs
        self.quantity = quantity
        self.startDay = startDay
        self.endDay = endDay
        self.purpose = purpose
    }

    public struct Valid: Sendable, Equatable {
        public var unitID: Int64
        public var service: ServiceKind
        public var systemIDs: [Int64]
        public var hostIDs: [Int64]
        public var quantity: Int
        public var startDay: Day
        public var endDay: Day?
        public var purpose: String
    }

    public func validated(meteringUnit: (ServiceKind) -> MeteringUnit) throws(ValidationFailure) -> Valid {
        var v = Validator()
        if unitID == nil { v.add("unitID", "不能为空 (required)") }
        let kind = service.flatMap(ServiceKind.init(rawValue:))
        if kind == nil { v.add("service", "未知的服务 (unknown service): \(service ?? "")") }
        let systems = Array(Set(systemIDs ?? [])).sorted()
        let hosts = Array(Set(hostIDs ?? [])).sorted()
        var qty = 0
        if let kind {
            switch meteringUnit(kind).quantitySource {
            case .coveredHosts, .coveredSystems, .reportedStorage:
                if systems.isEmpty && hosts.isEmpty {
                    v.add("systemIDs", "请选择至少一个业务系统或主机 (choose at least one system or host)")
                }
            case .declared:
                qty = quantity ?? 0
                if !(1...10_000).contains(qty) { v.add("quantity", "数量应为 1–10000 (quantity must be 1 to 10000)") }
            }
        }
        let start = startDay.flatMap(Day.init)
        if start == nil { v.add("startDay", "日期格式应为 YYYY-MM-DD (expected YYYY-MM-DD)") }
        var end: Day?
        if let raw = endDay, !raw.isEmpty {
            end = Day(raw)
            if end == nil { v.add("endDay", "日期格式应为 YYYY-MM-DD (expected YYYY-MM-DD)") }
            if let s = start, let e = end, e < s { v.add("endDay", "结束日期早于开始日期 (ends before it starts)") }
        }
        let purpose = v.text(purpose, "purpose", max: 500)
        try v.check()
        return Valid(unitID: unitID!, service: kind!, systemIDs: systems, hostIDs: hosts, quantity: qty,
                     startDay: start!, endDay: end, purpose: purpose)
    }
}

/// An approved, billable use of one service by one unit between two days (inclusive).
public struct Subscription: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var unitID: Int64
    public var service: ServiceKind
    public var applicationID: Int64
    public var systemIDs: [Int64]
    public var hostIDs: [Int64]
    public var quantity: Int
    public var startDay: Day
    public var endDay: Day?
    public var version: Int

    public init(id: Int64, unitID: Int64, service: ServiceKind, applicationID: Int64, systemIDs: [Int64],
                hostIDs: [Int64], quantity: Int, startDay: Day, endDay: Day?, version: Int) {
        self.id = id
        self.unitID = unitID
        self.service = service
        self.applicationID = applicationID
        self.systemIDs = systemIDs
        self.hostIDs = hostIDs
        self.quantity = quantity
        self.startDay = startDay
        self.endDay = endDay
        self.version = version
    }

    public func isActive(on day: Day) -> Bool {
        startDay <= day && (endDay.map { day <= $0 } ?? true)
    }
}
