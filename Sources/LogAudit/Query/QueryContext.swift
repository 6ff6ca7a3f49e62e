import AnyunCore
import Foundation

/// Turns the unit and system names people type into the ids events carry.
///
/// `name` is exact unless it holds an unescaped `*` (any run of characters) or `?` (one
/// character); `\*`, `\?` and `\\` stand for the characters themselves. `QueryWildcard(escaped:)`
/// reads that form. A name that matches nothing returns `[]`: the term is then simply false.
public protocol QueryNameResolver: Sendable {
    func unitIDs(matching name: String) -> [Int64]
    func systemIDs(matching name: String) -> [Int64]
}

/// A resolver over a snapshot of the registry's names (the centre rebuilds it when they change).
public struct StaticQueryNames: QueryNameResolver {
    public var units: [Int64: String]
    public var systems: [Int64: String]

    public init(units: [Int64: String] = [:], systems: [Int64: String] = [:]) {
        self.units = units
        self.systems = systems
    }

    public func unitIDs(matching name: String) -> [Int64] { Self.ids(in: units, matching: name) }
    public func systemIDs(matching name: String) -> [Int64] { Self.ids(in: systems, matching: name) }

    private static func ids(in names: [Int64: String], matching name: String) -> [Int64] {
        let pattern = QueryWildcard(escaped: name)
        return names.filter { pattern.matches($0.value) }.map(\.key).sorted()
    }
}

/// Everything outside the query text that its meaning depends on.
public struct QueryContext: Sendable {
    /// The instant `now` in relative times stands for, in microseconds since the epoch.
    public var now: Int64
    public var resolver: any QueryNameResolver
    /// How `event.transport` is stored: the partition writer uses the position in
    /// `LogTransport.allCases`.
    public var transportCodes: [LogTransport: Int64]

    public init(now: Int64 = LogEvent.microseconds(Date()), resolver: any QueryNameResolver = StaticQueryNames(),
                transportCodes: [LogTransport: Int64]? = nil) {
        self.now = now
        self.resolver = resolver
        self.transportCodes = transportCodes ?? Dictionary(
            uniqueKeysWithValues: LogTransport.allCases.enumerated().map { ($0.element, Int64($0.offset)) })
    }
}
