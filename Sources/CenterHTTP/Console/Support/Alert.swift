import AnyunCore

/// Why the last action on a page did not happen, shown above the form it came from.
struct Alert {
    let heading: String
    let message: String
    let details: [String]
    let hasDetails: Bool

    init(_ failure: ConsoleFailure) {
        heading = failure.heading
        message = failure.message
        details = failure.details
        hasDetails = !failure.details.isEmpty
    }

    /// Each field's reasons, for showing beside the field.
    static func byField(_ failure: ConsoleFailure?) -> [String: String] {
        var out: [String: String] = [:]
        for e in failure?.fields ?? [] {
            let field = FieldLabels.base(e.field)
            out[field] = out[field].map { "\($0)；\(e.reason)" } ?? e.reason
        }
        return out
    }
}
