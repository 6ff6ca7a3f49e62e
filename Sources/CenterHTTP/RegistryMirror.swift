import AnyunCore
import AnyunStore
import Center
import LogAudit
import Synchronization

/// The registry's units, systems and hosts kept in memory for the log side: attribution at
/// ingest, `unit:` / `system:` names in queries, names in notifications and dashboards.
/// Reloaded whenever the store's write counter moves.
public final class RegistryMirror: QueryNameResolver, Sendable {
    public struct Snapshot: Sendable {
        public var units: [Int64: GovUnit] = [:]
        public var systems: [Int64: BusinessSystem] = [:]
        public var hosts: [Int64: CloudHost] = [:]
        var names = StaticQueryNames()
    }

    private let store: any CenterStore
    private let state = Mutex(Snapshot())
    private let generation = Mutex<UInt64?>(nil)

    public init(store: any CenterStore) {
        self.store = store
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func unitIDs(matching name: String) -> [Int64] { snapshot.names.unitIDs(matching: name) }
    public func systemIDs(matching name: String) -> [Int64] { snapshot.names.systemIDs(matching: name) }
    public func unitName(_ id: Int64) -> String? { snapshot.units[id]?.name }
    public func systemName(_ id: Int64) -> String? { snapshot.systems[id]?.name }
    public func hostName(_ id: Int64) -> String? { snapshot.hosts[id]?.hostname }

    /// Loads the registry if it changed since the last load; returns true when it did.
    @discardableResult
    public func refresh() async throws -> Bool {
        let current = store.changeGeneration
        guard generation.withLock({ $0 }) != current else { return false }
        var next = Snapshot()
        for unit in try await all({ try await self.store.units(UnitQuery(page: $0), scope: .allUnits) }) { next.units[unit.id] = unit }
        for system in try await all({ try await self.store.systems(SystemQuery(page: $0), scope: .allUnits) }) { next.systems[system.id] = system }
        for host in try await all({ try await self.store.hosts(HostQuery(page: $0), scope: .allUnits) }) { next.hosts[host.id] = host }
        next.names = StaticQueryNames(units: next.units.mapValues(\.name), systems: next.systems.mapValues(\.name))
        state.withLock { $0 = next }
        generation.withLock { $0 = current }
        return true
    }

    private func all<T: Sendable>(_ fetch: (PageRequest) async throws -> Page<T>) async throws -> [T] {
        var items: [T] = []
        while true {
            let page = try await fetch(PageRequest(offset: items.count, limit: PageRequest.maxLimit))
            items += page.items
            if page.items.isEmpty || items.count >= page.total { return items }
        }
    }
}
