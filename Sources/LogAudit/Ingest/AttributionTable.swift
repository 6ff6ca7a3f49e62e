import AnyunCore

/// Which registered host, business system and unit an event belongs to.
public struct Attribution: Sendable, Equatable {
    public var unitID: Int64
    public var systemID: Int64
    public var hostID: Int64
}

/// The registry's hosts indexed for attribution at ingest: by address and by host name.
///
/// The sender's socket address is trusted first, because a host cannot forge it over TCP; the
/// host name inside the message is trusted only when the sender is a configured relay (a syslog
/// forwarder that sends other hosts' logs) or when the sender is not a registered host at all.
/// Otherwise any unit's host could write into another unit's logs by naming its host.
public struct AttributionTable: Sendable {
    private var byAddress: [String: Attribution] = [:]
    private var byName: [String: Attribution] = [:]
    private var relays: [CIDR]

    public init(hosts: [CloudHost], relays: [CIDR] = []) {
        self.relays = relays
        var ambiguousNames: Set<String> = []
        var ambiguousAddresses: Set<String> = []
        for host in hosts where host.state != .retired {
            let owner = Attribution(unitID: host.unitID, systemID: host.systemID, hostID: host.id)
            for ip in host.ips {
                guard let key = IPKey.hex(ip) else { continue }
                if let existing = byAddress[key], existing != owner { ambiguousAddresses.insert(key) }
                byAddress[key] = owner
            }
            let name = host.hostname.lowercased()
            if let existing = byName[name], existing != owner { ambiguousNames.insert(name) }
            byName[name] = owner
        }
        // A name or an address used by two hosts (the same private IP in two security domains)
        // attributes to neither rather than to the wrong unit.
        for name in ambiguousNames { byName[name] = nil }
        for key in ambiguousAddresses { byAddress[key] = nil }
    }

    public static let empty = AttributionTable(hosts: [])

    public func attribute(sourceAddress: String?, hostname: String?) -> Attribution? {
        let sourceKey = sourceAddress.flatMap { IPKey.hex($0) }
        let fromSource = sourceKey.flatMap { byAddress[$0] }
        let fromRelay = !relays.isEmpty
            && (sourceAddress.flatMap(IPAddress.init).map { ip in relays.contains { $0.contains(ip) } } ?? false)
        if fromSource == nil || fromRelay, let named = hostname.flatMap(lookup(name:)) {
            return named
        }
        return fromSource
    }

    private func lookup(name: String) -> Attribution? {
        if let key = IPKey.hex(name), let owner = byAddress[key] { return owner }
        if let owner = byName[name] { return owner } // names are mostly sent in lower case already
        let lower = name.lowercased()
        if let owner = byName[lower] { return owner }
        // Devices often send the fully qualified name of a host registered by its short name.
        if let dot = lower.firstIndex(of: ".") { return byName[String(lower[..<dot])] }
        return nil
    }

    public func apply(to event: inout LogEvent) {
        guard let owner = attribute(sourceAddress: event.sourceAddress, hostname: event.hostname) else { return }
        event.unitID = owner.unitID
        event.systemID = owner.systemID
        event.hostID = owner.hostID
    }
}
