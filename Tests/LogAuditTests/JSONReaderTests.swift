import XCTest
@testable import LogAudit

/// The JSON reader behind `json:` decoders: strict RFC 8259, flattened the way the decoders
/// promise (dotted keys, scalar arrays joined, nulls dropped).
final class JSONReaderTests: XCTestCase {
    private func flat(_ text: String) -> [String: String]? {
        var fields: [String: String] = [:]
        let ok = Array(text.utf8).withUnsafeBufferPointer { JSONFlattener.flatten($0, into: &fields) }
        return ok ? fields : nil
    }

    func testValuesEscapesAndNumbers() {
        XCTAssertEqual(flat(#" {"s":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00","t":true,"f":false,"n":null} "#),
                       ["s": "a\"b\\c/d\n\té😀", "t": "true", "f": "false"])
        XCTAssertEqual(flat(#"{"i":-42,"z":0,"d":1.5,"e":1e3,"big":12345678901234567890,"w":25.0}"#),
                       ["i": "-42", "z": "0", "d": "1.5", "e": "1000", "big": "1.2345678901234567e+19", "w": "25"])
        XCTAssertEqual(flat(#"{"a":{"b":{"c":"x"}},"l":[1,"two",true],"o":[{"k":1},{"k":2}],"empty":[],"eo":{}}"#),
                       ["a.b.c": "x", "l": "1,two,true", "o.0.k": "1", "o.1.k": "2"])
        XCTAssertEqual(flat(#"{"k":1,"k":2}"#), ["k": "2"], "a repeated key keeps its last value")
        XCTAssertEqual(flat(#"{"用户":"张三"}"#), ["用户": "张三"])
    }

    func testInvalidInputIsRefused() {
        for text in [#"[1,2]"#, #""s""#, "{", #"{"a":1,}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":tru}"#,
                     #"{"a":"x"} trailing"#, #"{'a':1}"#, #"{"a":"\x"}"#, #"{"a":"\ud83d"}"#, #"{"a":"\udc00x"}"#,
                     "{\"a\":\"tab\there\"}", #"{"a" 1}"#, #"{"a":1 "b":2}"#, "", "   "] {
            XCTAssertNil(flat(text), text)
        }
        let invalidUTF8: [UInt8] = Array(#"{"a":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        var fields: [String: String] = [:]
        XCTAssertFalse(invalidUTF8.withUnsafeBufferPointer { JSONFlattener.flatten($0, into: &fields) })
    }

    func testDeepNestingIsRefusedNotACrash() {
        let deep = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        XCTAssertNil(flat(deep))
        let fine = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        XCTAssertEqual(flat(fine)?.count, 1)
    }
}
