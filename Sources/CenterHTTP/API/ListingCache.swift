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

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let store: any ChangeTracking
    private let state = Mutex(State())
    /// Bounds the memory the cache may hold; when full it starts over (listings are cheap to redo).
    private let capacityBytes: Int

    init(store: any ChangeTracking, capacityBytes: Int = 32 << 20) {
        self.store = store
        self.capacityBytes = capacityBytes
    }

    func respond(_ request: Request, _ context: AppContext, permission: Permission,
                 load: (Principal) async throws -> some Encodable) async throws -> Response {
        let p = try context.requirePrincipal()
        try p.require(permission)
        let key = "\(p.tenantScope)|\(request.uri.description)"
        let generation = store.changeGeneration
        if let hit = state.withLock({ $0.entries[key] }), hit.generation == generation {
            return JSONIO.response(bytes: hit.body)
        }
        let body = try JSONIO.encode(try await load(p))
        state.withLock { cache in
            if cache.bytes + body.readableBytes > capacityBytes {
                cache.entries.removeAll(keepingCapacity: true)
                cache.bytes = 0
            }
            if let old = cache.entries.updateValue(Entry(generation: generation, body: body), forKey: key) {
                cache.bytes -= old.body.readableBytes
            }
            cache.bytes += body.readableBytes
        }
        return JSONIO.response(bytes: body)
    }
}
