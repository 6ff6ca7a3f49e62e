import Foundation
import XCTest
@testable import LogAudit

final class KernelUDPDropsTests: XCTestCase {
    func testDropsAreSummedForTheListenersPortsOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("udpdrops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let v4 = dir.appendingPathComponent("udp"), v6 = dir.appendingPathComponent("udp6")
        // 0x15BA = 5562, 0x0202 = 514; the last column is the drop count.
        try """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          101: 0100007F:15BA 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1234 2 0000000000000000 17
          102: 00000000:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1235 2 0000000000000000 900
        """.write(to: v4, atomically: true, encoding: .utf8)
        try """
           sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          103: 00000000000000000000000001000000:15BA 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1236 2 0000000000000000 3
        """.write(to: v6, atomically: true, encoding: .utf8)
        XCTAssertEqual(KernelUDPDrops.total(ports: [5562], procFiles: [v4.path, v6.path]), 20)
        XCTAssertEqual(KernelUDPDrops.total(ports: [514, 5562], procFiles: [v4.path, v6.path]), 920)
        XCTAssertNil(KernelUDPDrops.total(ports: [9999], procFiles: [v4.path, v6.path]), "no socket on that port")
        XCTAssertNil(KernelUDPDrops.total(ports: [5562], procFiles: [dir.appendingPathComponent("missing").path]))
    }

    func testTheStatsCountOnlyNewKernelDrops() {
        let stats = IngestStats()
        stats.kernelDrops(total: 5)
        stats.kernelDrops(total: 12)
        XCTAssertEqual(stats.snapshot.udpKernelDropped, 12)
    }
}
