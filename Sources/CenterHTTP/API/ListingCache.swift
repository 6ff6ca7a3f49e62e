import AnyunCore
import AnyunStore
import Center
import Hummingbird
import Synchronization

/// Encoded answers of hot listings, reused until the store changes. Registry listings are read
/// far more often than written (dashboards, agents, scripts); the key includes the caller's
/// tenant scope, and the caller's permission is checked before any cached answer is given.
final class ListingCache: Sendable {
    private struct Entry {
        var generation: UInt64
        var body: ByteBuffer
    }

    private let store: any ChangeTracking
    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(store: any ChangeTracking, capacity: Int = 2048) {
        self.store = store
        self.capacity = capacity
    }

    func respond(_ request: Request, _ context: AppContext, permission: Permission,
                 load: (Principal) async throws -> some Encodable) async throws -> Response {
        let p = try context.requirePrincipal()
        try p.require(permission)
        let key = "\(p.tenantScope)|\(request.uri.description)"
        let generation = store.changeGeneration
        if let hit = entries.withLock({ $0[key] }), hit.generation == generation {
            return JSONIO.response(bytes: hit.body)
        }
        let body = try JSONIO.encode(try await load(p))
        entries.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = Entry(generation: generation, body: body)
        }
        return JSONIO.response(bytes: body)
    }
}
