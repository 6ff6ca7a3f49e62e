// anyun-bench: prints throughput of anyun's building blocks on one core.
//
//   swift run -c release anyun-bench crypto [--seconds S] [--tsv]
//
// Results are printed, never asserted; Benchmarks/crypto.sh runs this beside `openssl speed`.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())

do {
    let options = try BenchOptions(parsing: arguments)
    switch options.suite {
    case "crypto":
        let results = try CryptoSuite(secondsPerCase: options.seconds).run()
        print(options.tsv ? Report.tsv(results) : Report.table(results))
    default:
        throw BenchOptions.UsageError("unknown suite '\(options.suite)'")
    }
} catch let error as BenchOptions.UsageError {
    FileHandle.standardError.write(Data("anyun-bench: \(error.message)\n\(BenchOptions.usage)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("anyun-bench: \(error)\n".utf8))
    exit(1)
}
