import AnyunCore

/// One entry of a `<select>`.
struct Option {
    let value: String
    let label: String
    let selected: Bool
}

/// A status word with the colour class the stylesheet gives it.
struct Badge {
    let text: String
    /// One of ok, warn, danger, info, muted.
    let tone: String
}

extension HostState {
    var badge: Badge {
        switch self {
        case .active: Badge(text: chineseName, tone: "ok")
        case .maintenance: Badge(text: chineseName, tone: "warn")
        case .planned: Badge(text: chineseName, tone: "info")
        case .retired: Badge(text: chineseName, tone: "muted")
        }
    }
}

extension ApplicationStatus {
    var badge: Badge {
        switch self {
        case .pending: Badge(text: chineseName, tone: "warn")
        case .approved: Badge(text: chineseName, tone: "ok")
        case .rejected: Badge(text: chineseName, tone: "danger")
        case .withdrawn: Badge(text: chineseName, tone: "muted")
        }
    }
}

extension MLPSLevel {
    static func text(_ level: Int) -> String { MLPSLevel(rawValue: level).map { "\($0.chineseName)" } ?? "\(level)" }
}
