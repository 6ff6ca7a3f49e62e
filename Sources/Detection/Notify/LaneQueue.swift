import Synchronization

/// One channel's bounded queue. `push` never waits: when full it drops the oldest entry and
/// hands it back, so the alert pipeline is never held up by a slow channel.
final class LaneQueue<Element: Sendable>: Sendable {
    enum PushResult {
        case enqueued
        /// Enqueued, and this older entry was dropped to make room.
        case displaced(Element)
        /// The queue is finished; the entry was not taken.
        case closed
    }

    private struct State: ~Copyable {
        var items: [Element] = []
        var head = 0
        var waiter: CheckedContinuation<Element?, Never>?
        var finished = false

        var count: Int { items.count - head }

        mutating func popFirst() -> Element? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head > 64 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func push(_ element: Element) -> PushResult {
        let (waiter, result): (CheckedContinuation<Element?, Never>?, PushResult) = state.withLock { state in
            if state.finished { return (nil, .closed) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, .enqueued)
            }
            var result = PushResult.enqueued
            if state.count >= capacity, let oldest = state.popFirst() { result = .displaced(oldest) }
            state.items.append(element)
            return (nil, result)
        }
        waiter?.resume(returning: element)
        return result
    }

    /// The next entry; nil once the queue is finished and empty, or when the calling task is
    /// cancelled (entries left behind can then be taken with `drain`).
    func next() async -> Element? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let immediate: Element?? = state.withLock { state in
                    // Cancelled: leave the entries for `drain`, so each is accounted for.
                    if Task.isCancelled { return .some(nil) }
                    if let item = state.popFirst() { return .some(item) }
                    if state.finished { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// No more pushes; a waiting `next` returns nil once the entries are consumed.
    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Takes whatever is still queued.
    func drain() -> [Element] {
        state.withLock { state in
            var rest: [Element] = []
            while let item = state.popFirst() { rest.append(item) }
            return rest
        }
    }
}
