import AnyunCore
import Foundation
import XCTest

/// The check character computed here from GB 32100-2015 itself (weights 3^i mod 31 over a
/// 31-symbol alphabet without I, O, Z, S, V), independently of the implementation.
enum GB32100Reference {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    static func weight(_ position: Int) -> Int {
        var w = 1
        for _ in 0..<position { w = w * 3 % 31 }
        return w
    }

    static func checkCharacter(_ body: String) -> Character? {
        let chars = Array(body)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            sum += v * weight(i)
        }
        let c = 31 - sum % 31
        return alphabet[c == 31 ? 0 : c]
    }
}

final class CreditCodeTests: XCTestCase {
    func testReferenceWeightsAreTheStandardOnes() {
        // The standard prints the weights; the reference derives them, so both must agree.
        XCTAssertEqual((0..<17).map(GB32100Reference.weight),
                       [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
        XCTAssertEqual(GB32100Reference.alphabet.count, 31)
        for forbidden in "IOZSV" { XCTAssertFalse(GB32100Reference.alphabet.contains(forbidden)) }
    }

    func testRealCodesAreAccepted() throws {
        for code in ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"] {
            XCTAssertEqual(GB32100Reference.checkCharacter(String(code.prefix(17))), code.last, code)
            XCTAssertEqual(try CreditCode(code).value, code)
        }
        let body = "11370100MB0000001"
        let check = try XCTUnwrap(GB32100Reference.checkCharacter(body))
        XCTAssertEqual(check, "A")
        XCTAssertEqual(try CreditCode(body + String(check)).value, "11370100MB0000001A")
    }

    func testLowercaseAndSurroundingSpaceAreNormalised() throws {
        XCTAssertEqual(try CreditCode("  91350100m000100y43\n").value, "91350100M000100Y43")
    }

    func testEveryWrongCheckCharacterIsRefusedNamingTheExpectedOne() {
        let body = "91350100M000100Y4"
        for c in GB32100Reference.alphabet where c != "3" {
            XCTAssertThrowsError(try CreditCode(body + String(c))) { error in
                XCTAssertEqual(error as? CreditCode.Problem, .checkCharacter(expected: "3", found: c))
            }
        }
    }

    func testWrongLengthIsRefused() {
        XCTAssertThrowsError(try CreditCode("91350100M000100Y4")) { XCTAssertEqual($0 as? CreditCode.Problem, .length(17)) }
        XCTAssertThrowsError(try CreditCode("91350100M000100Y433")) { XCTAssertEqual($0 as? CreditCode.Problem, .length(19)) }
        XCTAssertThrowsError(try CreditCode("")) { XCTAssertEqual($0 as? CreditCode.Problem, .length(0)) }
    }

    func testForbiddenLettersAreRefusedWithTheirPosition() {
        let code = Array("91350100M000100Y43")
        for letter in "IOZSV" {
            var bad = code
            bad[8] = letter
            XCTAssertThrowsError(try CreditCode(String(bad))) { error in
                XCTAssertEqual(error as? CreditCode.Problem, .character(letter, position: 9), "letter \(letter)")
            }
        }
        XCTAssertThrowsError(try CreditCode("91350100M000100Y4-")) {
            XCTAssertEqual($0 as? CreditCode.Problem, .character("-", position: 18))
        }
    }

    /// Random bodies: what the type accepts is exactly what the reference computes.
    func testCompletingAgreesWithTheReferenceOnRandomBodies() throws {
        var rng = SeededGenerator(seed: 32100)
        for _ in 0..<500 {
            let body = String((0..<17).map { _ in GB32100Reference.alphabet.randomElement(using: &rng)! })
            let expected = try XCTUnwrap(GB32100Reference.checkCharacter(body))
            XCTAssertEqual(CreditCode.completing(body)?.value, body + String(expected))
            let wrong = GB32100Reference.alphabet[(GB32100Reference.alphabet.firstIndex(of: expected)! + 1) % 31]
            XCTAssertThrowsError(try CreditCode(body + String(wrong)))
        }
        XCTAssertNil(CreditCode.completing("91350100M000100Y"), "16 characters")
        XCTAssertNil(CreditCode.completing("91350100M000100I4"), "forbidden letter")
    }

    func testDecodingRefusesABadCode() throws {
        let good = try JSONDecoder().decode([CreditCode].self, from: Data(#"["91350100M000100Y43"]"#.utf8))
        XCTAssertEqual(good.first?.value, "91350100M000100Y43")
        XCTAssertThrowsError(try JSONDecoder().decode([CreditCode].self, from: Data(#"["91350100M000100Y44"]"#.utf8)))
    }
}

/// A small deterministic generator (SplitMix64) so property loops are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
