import AnyunCore

/// A field name resolved once, at rule compile time, to where its value lives in a `LogEvent`.
/// Mirrors `LogEvent.value(of:)` (a test keeps the two in step) without its per-call string switch.
indirect enum FieldAccessor: Sendable, Equatable {
    case hostname, app, msgID, message, source, severity, facility, transport, decoder
    case unitID, systemID, hostID
    /// `procid`/`pid`: the header's PROCID, else a decoded field of that name.
    case procID(String)
    case field(String)
    /// Several candidate names (from the field mapping): the first the event has wins.
    case firstOf([FieldAccessor])

    init(name: String) {
        switch name {
        case "host", "hostname": self = .hostname
        case "app", "program", "app_name": self = .app
        case "procid", "pid": self = .procID(name)
        case "msgid": self = .msgID
        case "message", "msg": self = .message
        case "source", "source_address": self = .source
        case "severity": self = .severity
        case "facility": self = .facility
        case "transport": self = .transport
        case "decoder": self = .decoder
        case "unit_id": self = .unitID
        case "system_id": self = .systemID
        case "host_id": self = .hostID
        default: self = .field(name)
        }
    }

    init(candidates: [String]) {
        self = candidates.count == 1 ? FieldAccessor(name: candidates[0]) : .firstOf(candidates.map(FieldAccessor.init(name:)))
    }

    @inline(__always)
    func value(in event: LogEvent) -> String? {
        switch self {
        case .hostname: return event.hostname
        case .app: return event.app
        case .procID(let name): return event.procID ?? event.fields[name]
        case .msgID: return event.msgID
        case .message: return event.message
        case .source: return event.sourceAddress
        case .severity: return event.severity.map(String.init)
        case .facility: return event.facility.map(String.init)
        case .transport: return event.transport.rawValue
        case .decoder: return event.decoder
        case .unitID: return event.unitID.map(String.init)
        case .systemID: return event.systemID.map(String.init)
        case .hostID: return event.hostID.map(String.init)
        case .field(let name): return event.fields[name]
        case .firstOf(let list):
            for accessor in list {
                if let v = accessor.value(in: event) { return v }
            }
            return nil
        }
    }

    var isMessage: Bool { self == .message }
}
