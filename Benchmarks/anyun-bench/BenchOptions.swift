/// Command-line options of the crypto suite; hand-parsed to keep the bench free of an argument
/// parser. The log suites read their own flags (`SyslogFlags`).
struct BenchOptions {
    struct UsageError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static let usage = """
        usage: anyun-bench crypto [--seconds S] [--tsv]
               anyun-bench syslog-send --port P [--host 127.0.0.1] [--count N] [--connections C]
                           [--framing octet|newline] [--rate MSGS_PER_S] [--udp] [--pool 20000] [--tsv | --stdout]
               anyun-bench logs-fill --dir DIR [--events N] [--days 1] [--batch 10000]
               anyun-bench logs-search --dir DIR [--runs 30] [--hours 24] [--max-seconds 60] [--case TEXT]
        """

    var suite = ""
    var seconds = 1.0
    var tsv = false

    init(parsing arguments: [String]) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--seconds":
                guard let value = remaining.popFirst().flatMap(Double.init), value > 0 else {
                    throw UsageError("--seconds needs a positive number")
                }
                seconds = value
            case "--tsv":
                tsv = true
            case "-h", "--help":
                throw UsageError("help")
            default:
                guard suite.isEmpty, !argument.hasPrefix("-") else { throw UsageError("unexpected argument '\(argument)'") }
                suite = argument
            }
        }
        guard !suite.isEmpty else { throw UsageError("name a suite") }
    }
}
