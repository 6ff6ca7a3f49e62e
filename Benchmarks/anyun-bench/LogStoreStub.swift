/// Stands in for the log store suites until the anyun-bench target depends on LogAudit and
/// AnyunCore; then this file goes and the `LogStore*.swift.pending` files take its place.
enum LogStoreSuite {
    static func run(_ suite: String, _ arguments: [String]) async throws {
        throw Unavailable()
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String {
            "logs-fill and logs-search are not built in: the anyun-bench target does not depend on LogAudit yet"
        }
    }
}
