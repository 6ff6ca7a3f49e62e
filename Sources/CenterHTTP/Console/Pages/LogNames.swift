import AnyunCore
import AnyunStore
import Center

/// Unit, system and host names for the log pages, read through the registry service with the
/// caller's scope. Names are decoration: a caller who may not read the registry sees ids.
struct LogNames {
    let directory: Directory

    static func load(_ center: Center, _ p: Principal) async -> LogNames {
        let directory = (try? await Directory.load(center, p)) ?? Directory(units: [], systems: [])
        return LogNames(directory: directory)
    }

    func unit(_ id: Int64?) -> String? { id.map(directory.unitName) }
    func system(_ id: Int64?) -> String? { id.map(directory.systemName) }

    /// Every host of the scope in a state, page by page.
    static func hosts(_ center: Center, _ p: Principal, unitID: Int64?, state: HostState?) async throws -> [CloudHost] {
        var hosts: [CloudHost] = []
        while true {
            let page = try await center.registry.hosts(HostQuery(unitID: unitID, state: state,
                                                                 page: PageRequest(offset: hosts.count, limit: PageRequest.maxLimit)), by: p)
            hosts += page.items
            if page.items.isEmpty || hosts.count >= page.total { return hosts }
        }
    }
}
