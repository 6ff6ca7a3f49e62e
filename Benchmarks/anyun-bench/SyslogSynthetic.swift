/// One synthetic log line: the syslog header, the message, and the fields a decoder would pull
/// out of it (names as in Detection's logsources mapping: src_ip, user, action, outcome, …).
struct SyntheticLog: Sendable {
    var facility: Int
    var severity: Int
    /// 0 ..< `SyslogSynthetic.hostCount`; names the host (`host-001`) and its owner.
    var hostIndex: Int
    var app: String
    var procID: String?
    var msgID: String?
    /// The STRUCTURED-DATA field as sent, nil for `-`.
    var structuredData: String?
    var message: String
    var fields: [String: String]
    var decoder: String
}

/// Draws traffic shaped like a government cloud's day: mostly web access lines, firewall drops,
/// password guessing against sshd, the administrators' logins and sudo commands, WAF blocks.
///
/// The reference deployment's 300 hosts belong to 80 systems of 16 units, in order, so host `h`
/// is in system `h * 80 / 300` and that system in unit `system / 5`.
struct SyslogSynthetic {
    static let hostCount = 300
    static let systemCount = 80
    static let unitCount = 16

    static func hostname(_ index: Int) -> String { "host-" + SyslogText.pad(index + 1, 3) }
    /// Each host's own address (10.20.0.0/16), what its syslog daemon sends from.
    static func hostAddress(_ index: Int) -> String { "10.20.\(index / 100).\(index % 100 + 10)" }
    static func systemIndex(ofHost host: Int) -> Int { host * systemCount / hostCount }
    static func unitIndex(ofSystem system: Int) -> Int { system * unitCount / systemCount }

    private enum Kind: CaseIterable { case sshFailed, sshAccepted, sshSession, sshDisconnect, sudo, nginx, firewall, waf }

    /// Share of each kind, per 100 lines.
    private static let weights: [(Kind, Int)] = [
        (.nginx, 40), (.sshFailed, 18), (.firewall, 14), (.waf, 8), (.sudo, 6), (.sshSession, 6), (.sshAccepted, 4), (.sshDisconnect, 4),
    ]
    private static let totalWeight = weights.reduce(0) { $0 + $1.1 }

    private var random: SyslogRandom

    init(seed: UInt64 = 0x616E_7975_6E00) { random = SyslogRandom(seed: seed) }

    /// The next line, stamped `time` (microseconds since the epoch).
    mutating func next(time: Int64) -> SyntheticLog {
        var roll = random.below(Self.totalWeight)
        var kind = Kind.nginx
        for (candidate, weight) in Self.weights {
            if roll < weight { kind = candidate; break }
            roll -= weight
        }
        switch kind {
        case .sshFailed: return sshFailed()
        case .sshAccepted: return sshAccepted()
        case .sshSession: return sshSession()
        case .sshDisconnect: return sshDisconnect()
        case .sudo: return sudo()
        case .nginx: return nginx(time: time)
        case .firewall: return firewall()
        case .waf: return waf(time: time)
        }
    }

    // MARK: addresses

    /// Password guessers inside the cloud's 10.x space (compromised tenants, scanners on the VPN):
    /// 3,000 addresses, a few of them very busy.
    private mutating func attackerAddress() -> String {
        let k = random.skewed(3_000)
        return "10.\(100 + k % 50).\(k / 50 % 250).\(k * 37 % 253 + 1)"
    }

    /// Citizens and staff reaching the portals through the front proxies: 20,000 addresses.
    private mutating func clientAddress() -> String {
        let k = random.skewed(20_000)
        return "10.\(30 + k % 30).\(k / 30 % 250).\(k * 13 % 253 + 1)"
    }

    /// The bastion and VPN pool the administrators come from.
    private static func staffAddress(_ staff: Int) -> String { "10.8.0.\(2 + staff)" }

    private mutating func ephemeralPort() -> String { String(random.int(32_768...60_999)) }
    private mutating func anyHost() -> Int { random.below(Self.hostCount) }
    /// Every fifth host serves a web site.
    private mutating func webHost() -> Int { 5 * random.below(Self.hostCount / 5) }
    private mutating func pid() -> String { String(random.int(800...65_000)) }
    /// Debian-family hosts log sshd to auth (4), the Kylin/RHEL family to authpriv (10).
    private static func authFacility(_ host: Int) -> Int { host % 2 == 0 ? 4 : 10 }

    // MARK: kinds

    private mutating func sshFailed() -> SyntheticLog {
        let host = anyHost()
        let ip = attackerAddress()
        let port = ephemeralPort()
        let invalid = random.chance(0.5)
        let user = invalid ? SyslogVocabulary.guessedUsers[random.skewed(SyslogVocabulary.guessedUsers.count)]
                           : random.pick(["root", "root", "root", "admin", "oracle", "postgres", "deploy"])
        var fields = ["src_ip": ip, "src_port": port, "user": user, "action": "login", "outcome": "failure", "auth_method": "password"]
        if invalid { fields["invalid_user"] = "true" }
        let message = invalid ? "Failed password for invalid user \(user) from \(ip) port \(port) ssh2"
                              : "Failed password for \(user) from \(ip) port \(port) ssh2"
        return SyntheticLog(facility: Self.authFacility(host), severity: 6, hostIndex: host, app: "sshd", procID: pid(),
                            message: message, fields: fields, decoder: "sshd")
    }

    private mutating func sshAccepted() -> SyntheticLog {
        let host = anyHost()
        let staff = random.skewed(SyslogVocabulary.staff.count)
        let user = SyslogVocabulary.staff[staff]
        let ip = Self.staffAddress(staff)
        let port = ephemeralPort()
        let message: String
        let method: String
        if random.chance(0.3) {
            method = "password"
            message = "Accepted password for \(user) from \(ip) port \(port) ssh2"
        } else {
            method = "publickey"
            message = "Accepted publickey for \(user) from \(ip) port \(port) ssh2: ED25519 SHA256:\(fingerprint(staff))"
        }
        return SyntheticLog(facility: Self.authFacility(host), severity: 6, hostIndex: host, app: "sshd", procID: pid(),
                            message: message,
                            fields: ["src_ip": ip, "src_port": port, "user": user, "action": "login", "outcome": "success",
                                     "auth_method": method],
                            decoder: "sshd")
    }

    private mutating func sshSession() -> SyntheticLog {
        let host = anyHost()
        let staff = random.skewed(SyslogVocabulary.staff.count)
        let user = SyslogVocabulary.staff[staff]
        let opened = random.chance(0.5)
        let message = opened ? "pam_unix(sshd:session): session opened for user \(user)(uid=\(1000 + staff)) by (uid=0)"
                             : "pam_unix(sshd:session): session closed for user \(user)"
        return SyntheticLog(facility: Self.authFacility(host), severity: 6, hostIndex: host, app: "sshd", procID: pid(),
                            message: message,
                            fields: ["user": user, "action": opened ? "session_open" : "session_close", "outcome": "success"],
                            decoder: "sshd")
    }

    private mutating func sshDisconnect() -> SyntheticLog {
        let host = anyHost()
        let ip = attackerAddress()
        let port = ephemeralPort()
        let user = SyslogVocabulary.guessedUsers[random.skewed(SyslogVocabulary.guessedUsers.count)]
        let message: String
        var fields = ["src_ip": ip, "src_port": port, "action": "disconnect"]
        switch random.below(3) {
        case 0:
            message = "Connection closed by authenticating user \(user) \(ip) port \(port) [preauth]"
            fields["user"] = user
        case 1:
            message = "Disconnected from invalid user \(user) \(ip) port \(port) [preauth]"
            fields["user"] = user
            fields["invalid_user"] = "true"
        default:
            message = "Received disconnect from \(ip) port \(port):11: Bye Bye [preauth]"
        }
        return SyntheticLog(facility: Self.authFacility(host), severity: 6, hostIndex: host, app: "sshd", procID: pid(),
                            message: message, fields: fields, decoder: "sshd")
    }

    private mutating func sudo() -> SyntheticLog {
        let host = anyHost()
        let user = SyslogVocabulary.staff[random.skewed(SyslogVocabulary.staff.count - 1)]
        let tty = "pts/\(random.below(6))"
        let pwd = user == "root" ? "/root" : "/home/\(user)"
        let failed = random.chance(0.08)
        let command = failed ? "/bin/bash" : SyslogVocabulary.sudoCommands[random.skewed(SyslogVocabulary.sudoCommands.count)]
        let message = failed ? "\(user) : 3 incorrect password attempts ; TTY=\(tty) ; PWD=\(pwd) ; USER=root ; COMMAND=\(command)"
                             : "\(user) : TTY=\(tty) ; PWD=\(pwd) ; USER=root ; COMMAND=\(command)"
        return SyntheticLog(facility: 10, severity: failed ? 1 : 5, hostIndex: host, app: "sudo", procID: pid(),
                            message: message,
                            fields: ["user": user, "target_user": "root", "tty": tty, "pwd": pwd, "command": command,
                                     "action": "sudo", "outcome": failed ? "failure" : "success"],
                            decoder: "sudo")
    }

    private mutating func nginx(time: Int64) -> SyntheticLog {
        let host = webHost()
        let ip = clientAddress()
        let attack = random.chance(0.05)
        let method = attack || random.chance(0.85) ? "GET" : "POST"
        var path: String
        let status: Int
        if attack {
            path = SyslogVocabulary.attackPaths[random.below(SyslogVocabulary.attackPaths.count)]
            status = random.chance(0.7) ? 404 : 403
        } else {
            path = SyslogVocabulary.httpPaths[random.skewed(SyslogVocabulary.httpPaths.count)]
            if path.hasPrefix("/api/") || path.hasPrefix("/gov/") { path += "?page=\(random.int(1...40))&size=20" }
            let roll = random.below(1000)
            status = roll < 850 ? 200 : roll < 930 ? 304 : roll < 960 ? 302 : roll < 995 ? 404 : 500
        }
        let bytes = status == 304 ? 0 : random.int(180...48_000)
        let agent = attack ? SyslogVocabulary.userAgents[5 + random.below(SyslogVocabulary.userAgents.count - 5)]
                           : SyslogVocabulary.userAgents[random.skewed(5)]
        let referrer = attack || random.chance(0.4) ? "-" : "https://portal.gov.example\(SyslogVocabulary.httpPaths[random.skewed(6)])"
        let rt = random.int(1...900)
        let message = "\(ip) - - [\(SyslogText.nginxTime(time))] \"\(method) \(path) HTTP/1.1\" \(status) \(bytes) \"\(referrer)\" \"\(agent)\" rt=0.\(SyslogText.pad(rt, 3))"
        var fields = ["src_ip": ip, "method": method, "url": path, "status": String(status), "bytes": String(bytes),
                      "user_agent": agent]
        if referrer != "-" { fields["referrer"] = referrer }
        return SyntheticLog(facility: 23, severity: status >= 500 ? 3 : 6, hostIndex: host, app: "nginx",
                            message: message, fields: fields, decoder: "nginx")
    }

    private mutating func firewall() -> SyntheticLog {
        let host = anyHost()
        let src = attackerAddress()
        let dst = Self.hostAddress(host)
        let nft = random.chance(0.5)
        let prefix = nft ? "nft-drop-input" : "IPTABLES-DROP"
        let udp = random.chance(0.2)
        let sport = ephemeralPort()
        let dport = udp ? random.pick(["53", "123", "161", "1900", "5353"]) : String(SyslogVocabulary.droppedPorts[random.skewed(SyslogVocabulary.droppedPorts.count)])
        let uptime = "\(random.int(1_000...9_999_999)).\(SyslogText.pad(random.below(1_000_000), 6))"
        let mac = "52:54:00:\(hex2(random.below(256))):\(hex2(random.below(256))):\(hex2(random.below(256))):fa:16:3e:2a:\(hex2(random.below(256))):0c:08:00"
        let ttl = random.int(40...127)
        let id = random.int(1...65_535)
        let tail = udp ? "PROTO=UDP SPT=\(sport) DPT=\(dport) LEN=\(random.int(20...120))"
                       : "PROTO=TCP SPT=\(sport) DPT=\(dport) WINDOW=\(random.pick(["1024", "29200", "64240", "65535"])) RES=0x00 SYN URGP=0"
        let message = "[\(uptime)] \(prefix): IN=eth0 OUT= MAC=\(mac) SRC=\(src) DST=\(dst) LEN=\(udp ? 76 : 60) TOS=0x00 PREC=0x00 TTL=\(ttl) ID=\(id) \(udp ? "" : "DF ")\(tail)"
        return SyntheticLog(facility: 0, severity: 4, hostIndex: host, app: "kernel", message: message,
                            fields: ["src_ip": src, "dst_ip": dst, "src_port": sport, "dst_port": dport, "proto": udp ? "UDP" : "TCP",
                                     "in_iface": "eth0", "action": "drop", "rule": prefix],
                            decoder: nft ? "nftables" : "iptables")
    }

    private mutating func waf(time: Int64) -> SyntheticLog {
        let host = webHost()
        let system = Self.systemIndex(ofHost: host)
        let rule = SyslogVocabulary.wafRules[random.skewed(SyslogVocabulary.wafRules.count)]
        let ip = attackerAddress()
        let block = random.chance(0.75)
        let action = block ? "block" : "detect"
        let path = SyslogVocabulary.attackPaths[random.below(SyslogVocabulary.attackPaths.count)]
        let method = random.chance(0.8) ? "GET" : "POST"
        let status = block ? 403 : 200
        let unit = SyslogVocabulary.unitNames[Self.unitIndex(ofSystem: system)]
        let systemName = SyslogVocabulary.systemNames[system % SyslogVocabulary.systemNames.count]
        let message = """
            {"time":"\(SyslogText.rfc3339(time))","event":"waf.\(action)","rule_id":"\(rule.id)","rule_msg":"\(rule.message)",\
            "action":"\(action)","client_ip":"\(ip)","method":"\(method)","uri":"\(path)","status":\(status),\
            "http_host":"portal\(system).gov.example","unit":"\(unit)","system":"\(systemName)","anomaly_score":\(random.int(5...25))}
            """
        return SyntheticLog(facility: 16, severity: 4, hostIndex: host, app: "anyun-waf", procID: pid(), msgID: "waf.\(action)",
                            structuredData: "[origin software=\"anyun-waf\" swVersion=\"0.1.0\"]",
                            message: message,
                            fields: ["src_ip": ip, "rule_id": rule.id, "rule_msg": rule.message, "action": action, "method": method,
                                     "url": path, "status": String(status), "http_host": "portal\(system).gov.example",
                                     "sd.origin.software": "anyun-waf", "sd.origin.swVersion": "0.1.0"],
                            decoder: "anyun-waf")
    }

    /// A stable key fingerprint per administrator.
    private func fingerprint(_ staff: Int) -> String {
        var local = SyslogRandom(seed: UInt64(staff) &+ 0x5EED)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String((0..<43).map { _ in alphabet[local.below(alphabet.count)] })
    }

    private func hex2(_ value: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[value >> 4], digits[value & 15]])
    }
}
