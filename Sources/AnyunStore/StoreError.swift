import AnyunCore

/// Why the store refused a write. Each case carries enough to tell the user which field and why.
public enum StoreError: Error, Equatable, Sendable {
    case notFound(entity: String, id: String)
    /// A uniqueness or reference rule: the field and the reason.
    case conflict(FieldError)
    case invalid([FieldError])
    /// Optimistic concurrency: someone else changed the row; `current` is its version now.
    case versionMismatch(entity: String, expected: Int, current: Int)
    /// The row is final (a closed month, an audit record) and cannot change.
    case immutable(String)
}
