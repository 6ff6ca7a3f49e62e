import Foundation

/// `anyun-bench syslog-send`: replays realistic RFC 5424 traffic at a syslog receiver and prints
/// how fast it was taken. The receiver's side (lines in a file, events stored) is timed by the
/// calling script, from `started=` on.
struct SyslogSendSuite {
    var host = "127.0.0.1"
    var port = 0
    var count = 1_000_000
    var connections = 4
    var framing = SyslogText.Framing.octet
    var rate: Double?
    var transport = SyslogSender.Transport.tcp
    var poolSize = 20_000
    /// One `key=value` line for scripts instead of the sentences.
    var tsv = false
    /// Write the framed lines to stdout instead of sending them (to look at them, or pipe to nc).
    var toStdout = false

    init(parsing arguments: [String]) throws {
        var flags = SyslogFlags(arguments)
        while let flag = try flags.nextFlag() {
            switch flag {
            case "--host": host = try flags.text(flag)
            case "--port": port = try flags.int(flag, in: 1...65_535)
            case "--count": count = try flags.int(flag, in: 1...Int(Int32.max))
            case "--connections": connections = try flags.int(flag, in: 1...1_000)
            case "--framing":
                let raw = try flags.text(flag)
                guard let value = SyslogText.Framing(rawValue: raw) else {
                    throw BenchOptions.UsageError("--framing must be octet or newline, got '\(raw)'")
                }
                framing = value
            case "--rate": rate = try flags.double(flag, in: 1...100_000_000)
            case "--udp": transport = .udp
            case "--pool": poolSize = try flags.int(flag, in: 1...10_000_000)
            case "--tsv": tsv = true
            case "--stdout": toStdout = true
            default: throw BenchOptions.UsageError("syslog-send: unknown option \(flag)")
            }
        }
        guard port > 0 || toStdout else { throw BenchOptions.UsageError("syslog-send needs --port") }
    }

    func run() throws {
        let pool = SyslogPool(size: poolSize, framing: framing)
        if toStdout {
            writeToStdout(pool)
            return
        }
        let what = transport == .tcp ? "\(framing.rawValue) framing" : "one datagram per message"
        if !tsv {
            print("syslog-send: \(count) messages over \(connections) \(transport.rawValue) connection(s) to \(host):\(port), \(what), "
                  + "pool of \(pool.count) lines (avg \(Int(pool.averageMessageBytes.rounded())) B)"
                  + (rate.map { ", paced at \(Int($0)) msg/s" } ?? ""))
        }
        let sender = SyslogSender(host: host, port: port, transport: transport, connections: connections, rate: rate)
        let outcome = try sender.send(count: count, pool: pool)
        let perSecond = Double(outcome.messages) / max(outcome.seconds, 1e-9)
        if tsv {
            print("messages=\(outcome.messages) payload_bytes=\(outcome.payloadBytes) wire_bytes=\(outcome.wireBytes) "
                  + "seconds=\(String(format: "%.6f", outcome.seconds)) rate=\(Int(perSecond)) "
                  + "started=\(String(format: "%.6f", outcome.startedAt)) errors=\(outcome.errors.count)")
        } else {
            print("sent \(outcome.messages) messages (\(String(format: "%.1f", Double(outcome.wireBytes) / 1e6)) MB) in "
                  + "\(String(format: "%.3f", outcome.seconds)) s: \(Int(perSecond)) msg/s")
        }
        guard outcome.errors.isEmpty else {
            throw Failure(description: "\(count - outcome.messages) of \(count) messages not sent: "
                                      + outcome.errors.joined(separator: "; "))
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private func writeToStdout(_ pool: SyslogPool) {
        var index = 0
        var left = count
        while left > 0 {
            let n = min(left, pool.count - index, 1_000)
            FileHandle.standardOutput.write(Data(pool.bytes[pool.frameStart(index)..<pool.frameEnds[index + n - 1]]))
            left -= n
            index = (index + n) % pool.count
        }
    }
}
