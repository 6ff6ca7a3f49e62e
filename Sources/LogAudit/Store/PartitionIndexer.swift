import Dispatch
import Synchronization

/// Builds the in-memory index of appended events on its own queue, so that indexing one batch
/// overlaps the commit (and the fsync) of the next instead of following it.
///
/// At most `maxPending` batches wait; past that, the appender waits too, so a slow index cannot
/// pile up memory. Searches call `catchUp` first and so always see every acknowledged event.
final class PartitionIndexer: Sendable {
    static let maxPending = 4

    private let queue = DispatchQueue(label: "anyun.logs.index")
    private let slots = DispatchSemaphore(value: maxPending)
    /// The last `seq` the index holds.
    private let indexed: Atomic<Int64>

    init(indexedThrough seq: Int64) { indexed = Atomic(seq) }

    var indexedThrough: Int64 { indexed.load(ordering: .acquiring) }

    /// Waits for room for one more batch. Called before the append takes the database writer:
    /// the indexer itself needs the writer to store a full bucket, so waiting while holding it
    /// could deadlock.
    func reserve() { slots.wait() }

    /// Gives back a reservation the append did not use (it failed).
    func release() { slots.signal() }

    /// Runs `work` (indexing events up to `seq`) after the work submitted before it, in the slot
    /// `reserve` took.
    func submit(through seq: Int64, _ work: @escaping @Sendable () -> Void) {
        queue.async {
            work()
            self.indexed.store(seq, ordering: .releasing)
            self.slots.signal()
        }
    }

    /// Returns once everything submitted so far is indexed.
    func catchUp(to seq: Int64) async {
        guard indexedThrough < seq else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in queue.async { done.resume() } }
    }

    /// The same, blocking: for sealing, which runs outside the cooperative pool's hot path.
    func drain() { queue.sync {} }
}
