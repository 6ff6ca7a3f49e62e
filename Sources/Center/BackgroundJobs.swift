import Foundation
import Logging

/// The centre's periodic work: sealing the audit trail, metering usage, ending idle sessions.
/// Each job runs until the task is cancelled (graceful shutdown), then seals once more so the
/// last actions before a stop are covered by a signature.
public struct BackgroundJobs: Sendable {
    let center: Center
    let logger: Logger

    public init(center: Center, logger: Logger) {
        self.center = center
        self.logger = logger
    }

    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await every(center.settings.sealInterval, "audit seal") { try await center.audit.sealIfNeeded() } }
            group.addTask { await every(center.settings.meterInterval, "metering") { try await center.billing.meterThroughToday() } }
            group.addTask { await every(60, "session purge") { try await center.auth.purgeIdleSessions() } }
        }
        do { try await center.audit.sealIfNeeded() } catch {
            logger.error("final audit seal failed", metadata: ["error": "\(error)"])
        }
    }

    private func every<T>(_ interval: TimeInterval, _ name: String, _ body: @Sendable () async throws -> T) async {
        while !Task.isCancelled {
            do { _ = try await body() } catch {
                logger.error("\(name) failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}
