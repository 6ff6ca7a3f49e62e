/// One reason an input was refused, naming the field so a client can point at it.
public struct FieldError: Error, Equatable, Sendable, Codable {
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// Several field errors at once: an input is checked whole so the user fixes everything in one go.
public struct ValidationFailure: Error, Equatable, Sendable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Collects field errors while a value is checked, then throws them together.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ reason: String) {
        errors.append(FieldError(field, reason))
    }

    public mutating func require(_ condition: Bool, _ field: String, _ reason: String) {
        if !condition { add(field, reason) }
    }

    /// Checks a trimmed, non-empty text of bounded length and returns it.
    @discardableResult
    public mutating func text(_ value: String?, _ field: String, max: Int = 200, required: Bool = true) -> String {
        let trimmed = (value ?? "").trimmingWhitespace()
        if trimmed.isEmpty {
            if required { add(field, "不能为空 (required)") }
        } else if trimmed.count > max {
            add(field, "长度超过 \(max) 个字符 (too long)")
        } else if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            add(field, "包含控制字符 (control characters not allowed)")
        }
        return trimmed
    }

    public func check() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
