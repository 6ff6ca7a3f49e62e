// anyun-bench: prints throughput of anyun's building blocks.
//
//   swift run -c release anyun-bench crypto [--seconds S] [--tsv]
//   swift run -c release anyun-bench syslog-send --port P [--count N] [--connections C] [--framing octet|newline]
//   swift run -c release anyun-bench logs-fill --dir DIR --events N
//   swift run -c release anyun-bench logs-search --dir DIR
//
// Results are printed, never asserted; Benchmarks/crypto.sh runs the crypto suite beside
// `openssl speed`, Benchmarks/logs.sh the log suites beside rsyslog.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())

do {
    switch arguments.first {
    case "syslog-send":
        try SyslogSendSuite(parsing: Array(arguments.dropFirst())).run()
    case "logs-fill", "logs-search":
        try await LogStoreSuite.run(arguments[0], Array(arguments.dropFirst()))
    default:
        let options = try BenchOptions(parsing: arguments)
        switch options.suite {
        case "crypto":
            let results = try CryptoSuite(secondsPerCase: options.seconds).run()
            print(options.tsv ? Report.tsv(results) : Report.table(results))
        default:
            throw BenchOptions.UsageError("unknown suite '\(options.suite)'")
        }
    }
} catch let error as BenchOptions.UsageError {
    FileHandle.standardError.write(Data("anyun-bench: \(error.message)\n\(BenchOptions.usage)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("anyun-bench: \(error)\n".utf8))
    exit(1)
}
