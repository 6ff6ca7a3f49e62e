import Foundation
import LogAudit
import Synchronization

/// Prints the start banner once both the console and the syslog listeners are up.
final class ReadyBanner: Sendable {
    private let banner: Bootstrap.Outcome
    private let parts = Mutex<(url: String?, syslog: SyslogListeners?)>((nil, nil))

    init(banner: Bootstrap.Outcome) { self.banner = banner }

    func http(url: String) { update { $0.url = url } }
    func syslog(_ listeners: SyslogListeners) { update { $0.syslog = listeners } }

    private func update(_ change: (inout (url: String?, syslog: SyslogListeners?)) -> Void) {
        let ready: (String, SyslogListeners)? = parts.withLock { value in
            change(&value)
            guard let url = value.url, let syslog = value.syslog else { return nil }
            return (url, syslog)
        }
        guard let (url, syslog) = ready else { return }
        var text = banner.banner(url: url)
        var lines: [String] = []
        lines += syslog.boundUDP.map { "  syslog UDP: \($0)" }
        lines += syslog.boundTCP.map { "  syslog TCP: \($0)" }
        lines += syslog.boundTLS.map { "  syslog TLS: \($0)" }
        if !lines.isEmpty { text += lines.joined(separator: "\n") + "\n\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
