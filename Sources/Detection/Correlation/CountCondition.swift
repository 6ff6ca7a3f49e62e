/// A correlation `condition`: a count compared with `gt`, `gte`, `lt`, `lte`, `eq`; several
/// criteria are ANDed (`gt: 100, lte: 200`).
public struct CountCondition: Sendable, Equatable, CustomStringConvertible {
    public var gt: Int?
    public var gte: Int?
    public var lt: Int?
    public var lte: Int?
    public var eq: Int?

    public init(gt: Int? = nil, gte: Int? = nil, lt: Int? = nil, lte: Int? = nil, eq: Int? = nil) {
        self.gt = gt
        self.gte = gte
        self.lt = lt
        self.lte = lte
        self.eq = eq
    }

    public func holds(_ n: Int) -> Bool {
        if let gt, !(n > gt) { return false }
        if let gte, !(n >= gte) { return false }
        if let lt, !(n < lt) { return false }
        if let lte, !(n <= lte) { return false }
        if let eq, n != eq { return false }
        return true
    }

    /// Whether the condition has a lower bound. A stream engine decides when a count is reached;
    /// "fewer than N in the window" needs the window to close first and is not supported.
    var hasLowerBound: Bool { gt != nil || gte != nil || eq != nil }

    public var description: String {
        [("gt", gt), ("gte", gte), ("lt", lt), ("lte", lte), ("eq", eq)]
            .compactMap { k, v in v.map { "\(k): \($0)" } }.joined(separator: ", ")
    }
}
