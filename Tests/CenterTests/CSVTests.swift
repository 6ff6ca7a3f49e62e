import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

final class CSVTests: XCTestCase {
    private func parse(_ text: String) throws -> [CSV.Record] { try CSV.parse(text) }

    func testPlainRecordsAndTheirLines() throws {
        let records = try parse("a,b,c\n1,2,3\n")
        XCTAssertEqual(records.map(\.line), [1, 2])
        XCTAssertEqual(records.map(\.fields), [["a", "b", "c"], ["1", "2", "3"]])
        XCTAssertEqual(try parse("a,b\n1,2").map(\.fields), [["a", "b"], ["1", "2"]], "no final newline")
        XCTAssertEqual(try parse("a,,c\n,,\n").map(\.fields), [["a", "", "c"], ["", "", ""]], "empty fields are kept")
        XCTAssertEqual(try parse(""), [])
    }

    func testQuotedFields() throws {
        let records = try parse(#""a,b","say ""hi""",plain"# + "\n")
        XCTAssertEqual(records.first?.fields, ["a,b", #"say "hi""#, "plain"])
        XCTAssertEqual(try parse(#""",x"# + "\n").first?.fields, ["", "x"], "an empty quoted field")
    }

    func testEmbeddedNewlinesKeepLaterLineNumbersRight() throws {
        let text = "h1,h2\n\"multi\nline\nvalue\",x\nnext,y\n\nlast,z\n"
        let records = try parse(text)
        XCTAssertEqual(records.map(\.line), [1, 2, 5, 7], "a record spanning lines 2–4 pushes the next to line 5; the blank line 6 is skipped")
        XCTAssertEqual(records[1].fields, ["multi\nline\nvalue", "x"])
        XCTAssertEqual(records[2].fields, ["next", "y"])
    }

    func testCRLF() throws {
        let records = try parse("a,b\r\n1,2\r\n\"x\r\ny\",3\r\nlast,4\r\n")
        XCTAssertEqual(records.map(\.fields), [["a", "b"], ["1", "2"], ["x\r\ny", "3"], ["last", "4"]])
        XCTAssertEqual(records.map(\.line), [1, 2, 3, 5])
        XCTAssertFalse(records.flatMap(\.fields).contains { $0.hasSuffix("\r") && !$0.contains("\n") }, "no stray carriage returns")
        XCTAssertEqual(try parse("a,b\r1,2\r").map(\.fields), [["a", "b"], ["1", "2"]], "old Mac line ends")
    }

    func testUnterminatedQuoteNamesTheLineItStarts() {
        XCTAssertThrowsError(try CSV.parse("a,b\n1,2\n3,\"open\n4,5\n")) { error in
            XCTAssertEqual((error as? CSV.Failure)?.line, 3)
        }
    }

    func testQuoteInsideAnUnquotedField() {
        XCTAssertThrowsError(try CSV.parse("a,b\nab\"c,d\n")) { error in
            XCTAssertEqual((error as? CSV.Failure)?.line, 2)
        }
    }

    func testLinesRoundTripAndDefuseFormulas() throws {
        let fields = ["市公安局", "a,b", #"say "hi""#, "two\nlines", "", "10.0.0.1;10.0.0.2"]
        let line = CSV.line(fields)
        XCTAssertTrue(line.hasSuffix("\r\n"))
        XCTAssertEqual(try parse(line).first?.fields, fields)
        for formula in ["=1+1", "+cmd", "-2+3", "@SUM(A1)"] {
            XCTAssertEqual(try parse(CSV.line([formula])).first?.fields, ["'" + formula], "a spreadsheet must not run \(formula)")
        }
    }
}

final class TextDecodingTests: XCTestCase {
    func testUTF8WithAndWithoutBOM() throws {
        let plain = try TextDecoding.decode(Array("单位,主机名\n".utf8))
        XCTAssertEqual(plain.text, "单位,主机名\n")
        XCTAssertEqual(plain.encoding, .utf8)
        let bom = try TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("单位".utf8))
        XCTAssertEqual(bom.text, "单位", "the byte-order mark is not part of the first header")
        XCTAssertEqual(bom.encoding, .utf8)
    }

    func testKnownGBKBytes() throws {
        let decoded = try TextDecoding.decode([0xCA, 0xD0, 0xB9, 0xAB, 0xB0, 0xB2, 0xBE, 0xD6])
        XCTAssertEqual(decoded.text, "市公安局")
        XCTAssertEqual(decoded.encoding, .gb18030)
    }

    func testFilesMadeByIconv() throws {
        let text = "单位,业务系统,主机名\n市卫生健康委员会,协同办公系统,oa-01\n"
        XCTAssertEqual(try TextDecoding.decode(try iconv(text, to: "GBK")).text, text)
        // Characters beyond GBK (a CJK Extension B ideograph) only GB18030 can carry.
        let rare = "𠀀 € 市"
        let gb18030 = try iconv(rare, to: "GB18030")
        XCTAssertEqual(Array(gb18030.prefix(4)), [0x95, 0x32, 0x82, 0x36])
        let decoded = try TextDecoding.decode(gb18030)
        XCTAssertEqual(decoded.text, rare)
        XCTAssertEqual(decoded.encoding, .gb18030)
    }

    func testUTF16IsRefused() throws {
        let le = try iconv("单位", to: "UTF-16")  // iconv writes a byte-order mark
        XCTAssertThrowsError(try TextDecoding.decode(le))
        XCTAssertThrowsError(try TextDecoding.decode([0xFE, 0xFF, 0x53, 0x55]))
        XCTAssertThrowsError(try TextDecoding.decode([0xFF, 0xFE, 0x55, 0x53]))
        XCTAssertThrowsError(try TextDecoding.decode([0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0x55, 0x53]), "UTF-16 behind a UTF-8 mark")
    }

    func testInvalidBytesAreRefused() {
        for bytes: [UInt8] in [[0x41, 0xFF, 0x42], [0x41, 0x81], [0xCA, 0xD0, 0xB9], [0x80, 0x80], [0x41, 0xFF, 0xFF, 0xFF]] {
            XCTAssertThrowsError(try TextDecoding.decode(bytes), "\(bytes)")
        }
    }
}

final class HostCSVTests: XCTestCase {
    private func rows(_ text: String) throws -> [HostImportRow] { try HostCSV.rows(from: Array(text.utf8)) }

    private func failure(_ text: String) -> [RowError] {
        failure(bytes: Array(text.utf8))
    }

    private func failure(bytes: [UInt8]) -> [RowError] {
        do {
            let r = try HostCSV.rows(from: bytes)
            XCTFail("expected a failure, got \(r)")
            return []
        } catch {
            return error.errors
        }
    }

    func testChineseHeaders() throws {
        let r = try rows("""
        单位,业务系统,主机名,IP地址,操作系统,云平台,安全域,状态
        市公安局,门户网站, web-01 ,10.1.0.1;10.1.0.2，10.1.0.3,麒麟 V10,浪潮云,互联网区,维护中
        ,,,,,,,
        市公安局,门户网站,web-02,10.1.0.4,麒麟 V10,浪潮云,,

        """)
        XCTAssertEqual(r.map(\.line), [2, 4], "blank rows are skipped, line numbers are the file's")
        XCTAssertEqual(r[0].unitName, "市公安局")
        XCTAssertEqual(r[0].systemName, "门户网站")
        XCTAssertEqual(r[0].draft.hostname, "web-01")
        XCTAssertEqual(r[0].draft.ips, ["10.1.0.1", "10.1.0.2", "10.1.0.3"])
        XCTAssertEqual(r[0].draft.securityDomain, "互联网区")
        XCTAssertEqual(r[0].draft.state, "维护中")
        XCTAssertEqual(r[1].draft.state, "")
    }

    func testEnglishHeadersInAnyOrderAndCase() throws {
        let r = try rows("Hostname,IPs,Unit,System,OS,Platform\nweb-01,10.1.0.1,市公安局,门户网站,UOS,华为云\n")
        XCTAssertEqual(r.count, 1)
        XCTAssertEqual(r[0].draft.hostname, "web-01")
        XCTAssertEqual(r[0].unitName, "市公安局")
        XCTAssertEqual(r[0].draft.platform, "华为云")
        XCTAssertEqual(r[0].draft.securityDomain, "", "optional columns may be absent")
    }

    func testMissingColumnIsNamed() {
        let errors = failure("单位,业务系统,IP地址,操作系统,云平台\n市公安局,门户网站,10.1.0.1,UOS,华为云\n")
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.line, 1)
        XCTAssertEqual(errors.first?.field, "header")
        XCTAssertTrue(errors.first?.reason.contains("hostname") == true, errors.first?.reason ?? "")
    }

    func testUnknownAndDuplicateColumnsAreNamed() {
        let unknown = failure("单位,业务系统,主机名,IP地址,操作系统,云平台,颜色\n")
        XCTAssertEqual(unknown.map(\.field), ["header"])
        XCTAssertTrue(unknown.first?.reason.contains("颜色") == true)
        let duplicate = failure("单位,业务系统,主机名,IP地址,操作系统,云平台,hostname\n")
        XCTAssertEqual(duplicate.map(\.field), ["header"])
    }

    func testRowsWiderThanTheHeaderAreReportedWithTheirLines() {
        let errors = failure("单位,业务系统,主机名,IP地址,操作系统,云平台\n市公安局,门户网站,a,10.0.0.1,UOS,华为云\n市公安局,门户网站,b,10.0.0.2,UOS,华为云,extra\n")
        XCTAssertEqual(errors.map(\.line), [3])
        XCTAssertEqual(errors.map(\.field), ["row"])
    }

    func testStructuralProblemsRejectTheFile() {
        XCTAssertEqual(failure(bytes: []).map(\.field), ["file"], "empty file")
        XCTAssertEqual(failure(bytes: [0xFF, 0xFE, 0x55, 0x53]).map(\.field), ["file"], "UTF-16")
        let quote = failure("单位,业务系统,主机名,IP地址,操作系统,云平台\n市公安局,\"门户网站,a,10.0.0.1,UOS,华为云\n")
        XCTAssertEqual(quote.map(\.line), [2])
        XCTAssertEqual(quote.map(\.field), ["file"])
    }
}
