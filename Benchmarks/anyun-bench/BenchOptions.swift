/// Command-line options; hand-parsed because the bench target depends on AnyunCrypto only.
struct BenchOptions {
    struct UsageError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static let usage = "usage: anyun-bench crypto [--seconds S] [--tsv]"

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
