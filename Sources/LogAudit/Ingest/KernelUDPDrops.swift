import Foundation

/// Datagrams the kernel dropped on the syslog UDP sockets because their receive buffer was full:
/// the loss that happens before anyun sees a packet, read from the `drops` column of
/// `/proc/net/udp` and `/proc/net/udp6` for the listeners' ports.
enum KernelUDPDrops {
    static func total(ports: Set<Int>, procFiles: [String] = ["/proc/net/udp", "/proc/net/udp6"]) -> Int? {
        guard !ports.isEmpty else { return nil }
        var sum = 0
        var found = false
        for path in procFiles {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true)
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
                guard columns.count >= 13, let colon = columns[1].lastIndex(of: ":"),
                      let port = Int(columns[1][columns[1].index(after: colon)...], radix: 16), ports.contains(port),
                      let drops = Int(columns[12]) else { continue }
                sum += drops
                found = true
            }
        }
        return found ? sum : nil
    }
}
