import AnyunCore
import AnyunStore
import Foundation

/// What the centre's services refuse with. The HTTP layer maps each case to a status and a
/// problem+json body; the CLI prints `description`.
public enum CenterError: Error, Equatable, Sendable, CustomStringConvertible {
    case validation([FieldError])
    case importRejected([RowError])
    case notFound(String)
    case conflict(FieldError)
    case versionConflict(entity: String, expected: Int, current: Int)
    case unauthorized(String)
    case forbidden(String)
    case locked(until: Date)
    case immutable(String)
    case internalFailure(String)

    public var description: String {
        switch self {
        case .validation(let errors): "invalid input: " + errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
        case .importRejected(let errors): "import rejected, \(errors.count) problem(s): "
            + errors.prefix(5).map { "line \($0.line) \($0.field): \($0.reason)" }.joined(separator: "; ")
        case .notFound(let what): "not found: \(what)"
        case .conflict(let e): "conflict on \(e.field): \(e.reason)"
        case .versionConflict(let entity, let expected, let current):
            "\(entity) was changed by someone else (your version \(expected), current \(current))"
        case .unauthorized(let why): "unauthorized: \(why)"
        case .forbidden(let why): "forbidden: \(why)"
        case .locked(let until): "account locked until \(ISO8601DateFormatter().string(from: until))"
        case .immutable(let why): "cannot change: \(why)"
        case .internalFailure(let why): "internal failure: \(why)"
        }
    }

    /// Maps store and validation errors to the centre's vocabulary; anything else passes through.
    static func wrap(_ error: any Error) -> any Error {
        switch error {
        case let e as ValidationFailure: return CenterError.validation(e.errors)
        case let e as HostImportFailure: return CenterError.importRejected(e.errors)
        case let e as StoreError:
            switch e {
            case .notFound(let entity, let id): return CenterError.notFound("\(entity) \(id)")
            case .conflict(let f): return CenterError.conflict(f)
            case .invalid(let errors): return CenterError.validation(errors)
            case .versionMismatch(let entity, let expected, let current):
                return CenterError.versionConflict(entity: entity, expected: expected, current: current)
            case .immutable(let why): return CenterError.immutable(why)
            }
        default: return error
        }
    }
}

/// Runs a store call and translates its errors.
func translating<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch { throw CenterError.wrap(error) }
}
