/// Which rows a caller may see. Every store query takes one, so tenancy is enforced where the
/// rows are read, not in the pages that show them.
public enum TenantScope: Sendable, Equatable {
    case allUnits
    case unit(Int64)

    /// Narrows a requested unit filter to what the scope allows; a unit user asking for
    /// another unit gets their own unit intersected with it, that is nothing.
    public func restrict(_ requested: Int64?) -> UnitFilter {
        switch (self, requested) {
        case (.allUnits, nil): .any
        case (.allUnits, let r?): .only(r)
        case (.unit(let u), nil): .only(u)
        case (.unit(let u), let r?): r == u ? .only(u) : .none
        }
    }
}

public enum UnitFilter: Sendable, Equatable {
    case any
    case only(Int64)
    case none
}

public struct PageRequest: Sendable, Equatable {
    public var offset: Int
    public var limit: Int

    public static let maxLimit = 500

    public init(offset: Int = 0, limit: Int = 50) {
        self.offset = max(0, offset)
        self.limit = min(max(1, limit), Self.maxLimit)
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

extension Page: Encodable where Item: Encodable {}
extension Page: Equatable where Item: Equatable {}
