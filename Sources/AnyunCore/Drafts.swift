/// Inputs for creating or replacing registry rows. Every field is optional when decoded so that a
/// missing field is reported by name with the others, not as an opaque decoding failure.
public struct UnitDraft: Codable, Sendable, Equatable {
    public var name: String?
    public var creditCode: String?
    public var contactName: String?
    public var contactPhone: String?
    public var contactEmail: String?

    public init(name: String? = nil, creditCode: String? = nil, contactName: String? = nil,
                contactPhone: String? = nil, contactEmail: String? = nil) {
        self.name = name
        self.creditCode = creditCode
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
    }

    /// The checked, normalized values.
    public struct Valid: Sendable, Equatable, Codable {
        public var name, creditCode, contactName, contactPhone, contactEmail: String
    }

    public func validated() throws(ValidationFailure) -> Valid {
        var v = Validator()
        let name = v.text(name, "name", max: 100)
        var code = ""
        if let raw = creditCode, !raw.trimmingWhitespace().isEmpty {
            do { code = try CreditCode(raw).value } catch { v.add("creditCode", error.description) }
        } else {
            v.add("creditCode", "不能为空 (required)")
        }
        let contact = v.text(contactName, "contactName", max: 50)
        let phone = v.text(contactPhone, "contactPhone", max: 20)
        if !phone.isEmpty && !PhoneNumber.isPlausible(phone) { v.add("contactPhone", "电话号码格式不正确 (invalid phone number)") }
        let email = v.text(contactEmail, "contactEmail", max: 100, required: false)
        if !email.isEmpty && !EmailAddress.isPlausible(email) { v.add("contactEmail", "邮箱格式不正确 (invalid e-mail address)") }
        try v.check()
        return Valid(name: name, creditCode: code, contactName: contact, contactPhone: phone, contactEmail: email)
    }
}

public struct SystemDraft: Codable, Sendable, Equatable {
    public var unitID: Int64?
    public var name: String?
    public var level: Int?
    public var filingNumber: String?
    public var securityDomain: String?
    public var owner: String?
    public var ownerPhone: String?

    public init(unitID: Int64? = nil, name: String? = nil, level: Int? = nil, filingNumber: String? = nil,
                securityDomain: String? = nil, owner: String? = nil, ownerPhone: String? = nil) {
        self.unitID = unitID
        self.name = name
        self.level = level
        self.filingNumber = filingNumber
        self.securityDomain = securityDomain
        self.owner = owner
        self.ownerPhone = ownerPhone
    }

    public struct Valid: Sendable, Equatable, Codable {
        public var unitID: Int64
        public var name: String
        public var level: Int
        public var filingNumber, securityDomain, owner, ownerPhone: String
    }

    public func validated() throws(ValidationFailure) -> Valid {
        var v = Validator()
        if unitID == nil { v.add("unitID", "不能为空 (required)") }
        let name = v.text(name, "name", max: 100)
        if let level {
            if MLPSLevel(rawValue: level) == nil { v.add("level", "等级应为 1–4 (MLPS level must be 1 to 4)") }
        } else {
            v.add("level", "不能为空 (required)")
        }
        let filing = v.text(filingNumber, "filingNumber", max: 40, required: (level ?? 0) >= 2)
        if !filing.isEmpty && !FilingNumber.isValid(filing) {
            v.add("filingNumber", "备案号格式应为 11 位数字-5 位数字，如 44030099001-20001 (filing number format)")
        }
        let domain = v.text(securityDomain, "securityDomain", max: 50)
        let owner = v.text(owner, "owner", max: 50)
        let phone = v.text(ownerPhone, "ownerPhone", max: 20, required: false)
        if !phone.isEmpty && !PhoneNumber.isPlausible(phone) { v.add("ownerPhone", "电话号码格式不正确 (invalid phone number)") }
        try v.check()
        return Valid(unitID: unitID!, name: name, level: level!, filingNumber: filing, securityDomain: domain,
                     owner: owner, ownerPhone: phone)
    }
}

public struct HostDraft: Codable, Sendable, Equatable {
    public var systemID: Int64?
    public var hostname: String?
    public var ips: [String]?
    public var os: String?
    public var platform: String?
    public var securityDomain: String?
    public var state: String?

    public init(systemID: Int64? = nil, hostname: String? = nil, ips: [String]? = nil, os: String? = nil,
                platform: String? = nil, securityDomain: String? = nil, state: String? = nil) {
        self.systemID = systemID
        self.hostname = hostname
        self.ips = ips
        self.os = os
        self.platform = platform
        self.securityDomain = securityDomain
        self.state = state
    }

    public struct Valid: Sendable, Equatable, Codable {
        public var systemID: Int64
        public var hostname: String
        public var ips: [String]
        public var os, platform: String
        /// Empty means "the business system's domain", filled in by the registry.
        public var securityDomain: String
        public var state: HostState
    }

    public static let maxIPs = 16

    public func validated() throws(ValidationFailure) -> Valid {
        var v = Validator()
        if systemID == nil { v.add("systemID", "不能为空 (required)") }
        let hostname = v.text(hostname, "hostname", max: 253)
        if !hostname.isEmpty && !Hostname.isValid(hostname) {
            v.add("hostname", "主机名只能包含字母、数字、点、连字符和下划线 (invalid hostname)")
        }
        var canonical: [String] = []
        let raw = ips ?? []
        if raw.isEmpty { v.add("ips", "至少需要一个 IP 地址 (at least one IP address)") }
        if raw.count > Self.maxIPs { v.add("ips", "IP 地址不能超过 \(Self.maxIPs) 个 (too many addresses)") }
        for (i, text) in raw.prefix(Self.maxIPs).enumerated() {
            guard let ip = IPAddress(text) else {
                v.add("ips[\(i)]", "不是合法的 IP 地址 (invalid IP address): \(text.prefix(60))")
                continue
            }
            if canonical.contains(ip.text) { v.add("ips[\(i)]", "IP 地址重复 (duplicate address) \(ip.text)") }
            canonical.append(ip.text)
        }
        let os = v.text(os, "os", max: 100)
        let platform = v.text(platform, "platform", max: 50)
        let domain = v.text(securityDomain, "securityDomain", max: 50, required: false)
        var hostState = HostState.active
        if let s = state, !s.trimmingWhitespace().isEmpty {
            if let parsed = HostState(label: s) { hostState = parsed } else {
                v.add("state", "状态应为 planned/active/maintenance/retired 之一 (unknown state)")
            }
        }
        try v.check()
        return Valid(systemID: systemID!, hostname: hostname, ips: canonical, os: os, platform: platform,
                     securityDomain: domain, state: hostState)
    }
}

enum PhoneNumber {
    /// Mainland mobiles, landlines with area codes and extensions, 400/800 numbers.
    static func isPlausible(_ s: String) -> Bool {
        let allowed = s.allSatisfy { $0.isASCII && ($0.isNumber || "-+ ()".contains($0)) }
        let digits = s.filter(\.isNumber).count
        return allowed && (7...15).contains(digits)
    }
}

enum EmailAddress {
    static func isPlausible(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !s.contains(where: \.isWhitespace)
    }
}

enum FilingNumber {
    /// The public-security filing certificate number: 11 digits, a hyphen, 5 digits.
    static func isValid(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0].count == 11 && parts[1].count == 5
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

enum Hostname {
    static func isValid(_ s: String) -> Bool {
        s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
            && !s.hasPrefix("-") && !s.hasPrefix(".")
    }
}
