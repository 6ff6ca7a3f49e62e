import AnyunCore
import Center
import Foundation
import LogAudit

/// What a log search page or export was asked for: the query as typed, the period as typed
/// (anything `TimeWindow` accepts) and, for whole-cloud roles, one unit.
struct LogRequest {
    let q: String
    let from: String?
    let to: String?
    let unitID: Int64?

    init(_ form: FormData) throws {
        q = form.raw("q")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        from = form["from"]
        to = form["to"]
        unitID = try form.int64("unit_id", label: "单位")
    }

    init(q: String, from: String?, to: String?, unitID: Int64?) {
        self.q = q
        self.from = from
        self.to = to
        self.unitID = unitID
    }

    /// The same rules as the API's `TimeWindow`: without `to` the window reaches a little into
    /// the future (senders' clocks run ahead), without `from` it covers 24 hours.
    func window(now: Int64) throws -> TimeWindow {
        let explicitTo = try to.map { try TimeWindow.parse($0, name: "to", now: now, endOfDay: true) }
        let end = explicitTo ?? now + TimeWindow.futureSkew
        let start = try from.map { try TimeWindow.parse($0, name: "from", now: now, endOfDay: false) }
            ?? (explicitTo ?? now) - TimeWindow.defaultSpan
        guard start <= end else {
            throw Problem(.badRequest, "Bad Request", detail: "开始时间不能晚于结束时间 (from must not be after to)")
        }
        return TimeWindow(from: start, to: end)
    }

    /// The caller's units: a unit user gets their own whatever the URL says.
    func units(_ p: Principal) -> UnitFilter {
        if case .unit = p.tenantScope { return p.tenantScope.restrict(nil) }
        return p.tenantScope.restrict(unitID)
    }

    /// The query, window and tenant scope compiled for the store.
    func filter(_ p: Principal, names: any QueryNameResolver, window: TimeWindow, now: Int64) throws -> EventFilter {
        try LogSearch.filter(query: q, from: window.from, to: window.to, units: units(p), names: names, now: now)
    }

    /// The parameters that reproduce this search in a link.
    var parameters: QueryString {
        QueryString([("q", q), ("from", from), ("to", to), ("unit_id", unitID.map(String.init))])
    }
}
