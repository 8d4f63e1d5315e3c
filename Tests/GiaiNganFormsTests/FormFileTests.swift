import Foundation
import GiaiNganCore
import GiaiNganForms
import XCTest

final class FormFileTests: XCTestCase {
    static let forms = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../forms").standardized.path

    func test_everyShippedFormParsesAndTheBinaryHoldsTheFilesAsShipped() throws {
        for id in BuiltInForms.ids {
            let spec = try FormFile.load(id)
            XCTAssertEqual(spec.id, id)
            let file = try String(contentsOfFile: Self.forms + "/form-\(id).toml", encoding: .utf8)
            XCTAssertEqual(BuiltInForms.text(id: id), file, "forms/form-\(id).toml is the built-in form")
            XCTAssertEqual(try FormFile.load(Self.forms + "/form-\(id).toml"), spec)
        }
    }

    func test_form01aShowsThePrimeMinistersPlanTheLocalExtraAndTheTranchesApart() throws {
        let spec = try FormFile.load("01a")
        let measures = spec.columns.map(\.measure)
        XCTAssertEqual(Array(measures.prefix(7)), [.ordinal, .label, .planPrimeMinister, .planLocallyAdded, .planAllocated, .actual, .estimate])
        XCTAssertEqual(spec.rows.map(\.tranche), [.current, .carriedOver, .advancePlan])
        XCTAssertTrue(spec.rows.allSatisfy(\.withFundSources))
        XCTAssertEqual(spec.unit, .million)
    }

    func test_headersThatAgreeAreMergedAndShortOnesSpanDown() throws {
        let spec = FormSpec(id: "t", title: ["T"], columns: [
            FormColumn(measure: .label, header: ["Nội dung"]),
            FormColumn(measure: .planPrimeMinister, header: ["Kế hoạch", "Thủ tướng"]),
            FormColumn(measure: .planProvince, header: ["Kế hoạch", "Tỉnh"]),
            FormColumn(measure: .actual, header: ["Giải ngân", "Thực hiện"]),
        ], rows: [FormRowGroup(kind: .total)])
        let month = try XCTUnwrap(ReportingMonth("2023-09"))
        let e = try Evaluator.evaluate(request: EvaluationRequest(planYear: 2023, asOf: month.actualDate, rules: .caMau2023), snapshots: [])
        let t = FormEngine.table(spec, inputs: FormInputs(month: month, main: .init(actual: e, lastYear: nil)))
        XCTAssertEqual(t.header[0][0], FormTable.HeaderCell(text: "Nội dung", rowSpan: 2, columnSpan: 1))
        XCTAssertEqual(t.header[0][1], FormTable.HeaderCell(text: "Kế hoạch", rowSpan: 1, columnSpan: 2))
        XCTAssertNil(t.header[0][2])
        XCTAssertEqual(t.header[0][3]?.text, "Giải ngân")
        XCTAssertEqual(t.header[1].map { $0?.text }, [nil, "Thủ tướng", "Tỉnh", "Thực hiện"])
        XCTAssertEqual(t.numbers, ["A", "1", "2", "3"])
        XCTAssertEqual(month.actualDate, CivilDate(year: 2023, month: 8, day: 31))
        XCTAssertEqual(month.estimateDate, CivilDate(year: 2023, month: 9, day: 30))
    }

    func test_badFormsNameEveryKeyAtFault() {
        let text = """
        id = "a b"
        title = ["{nope}"]
        unit = "dollar"
        rate_decimals = 4
        [[columns]]
        measure = "actual"
        header = []
        decimals = 9
        [[columns]]
        measure = "label"
        header = ["x"]
        decimals = 1
        [[rows]]
        kind = "projects"
        label = "x"
        tranche = "future"
        numbering = "greek"
        fund_sources = true
        indent = 9
        """
        XCTAssertThrowsError(try FormFile.parse(text, file: "f.toml")) { error in
            let m = "\(error)"
            for key in ["id:", "title[0]: unknown placeholder {nope}", "unit:", "rate_decimals:", "columns[0].header:",
                        "columns[0].decimals:", "columns[1].decimals:", "rows[0].label:", "rows[0].tranche:", "rows[0].numbering:",
                        "rows[0].fund_sources:", "rows[0].indent:"] {
                XCTAssertTrue(m.contains(key), "\(key) in \(m)")
            }
        }
        XCTAssertThrowsError(try FormFile.parse("id = \"x\"\ntitle = [\"t\"]\nextra = 1\n[[columns]]\nmeasure = \"label\"\nheader = [\"h\"]\n[[rows]]\nkind = \"total\"\nwide = true\n")) {
            XCTAssertTrue("\($0)".contains("extra: unknown key"), "\($0)")
            XCTAssertTrue("\($0)".contains("rows[0].wide: unknown key"), "\($0)")
        }
        XCTAssertThrowsError(try FormFile.load("no-such-form")) { XCTAssertTrue("\($0)".contains("built in: 01a")) }
    }
}

final class EstimateAndCellTests: XCTestCase {
    func test_anIncrementIsSharedByWhatIsLeftAndSumsExactly() {
        let parts = [Position(planVND: 1_000, disbursedVND: 400), Position(planVND: 500, disbursedVND: 500), Position(planVND: 301, disbursedVND: 0)]
        let shares = Estimate.apportion(1_000, among: parts)
        XCTAssertEqual(shares.reduce(0, +), 1_000)
        XCTAssertEqual(shares[1], 0, "nothing left, nothing estimated")
        XCTAssertEqual(shares, [666, 0, 334])
        XCTAssertEqual(Estimate.apportion(7, among: [.zero, .zero]), [7, 0])
        XCTAssertEqual(Estimate.apportion(0, among: parts), [0, 0, 0])
        for increment: VND in [1, 2, 3, 999_999_999_999, 5] {
            XCTAssertEqual(Estimate.apportion(increment, among: parts).reduce(0, +), increment)
        }
    }

    func test_amountCellsAreExactAndRatesRoundedDownBeforeExcelRoundsThem() throws {
        XCTAssertEqual(CellNumbers.amount(1_234_567, unitVND: 1_000_000), .number(1.234567))
        XCTAssertEqual(CellNumbers.amount(999_999_999_999_999, unitVND: 1), .number(999_999_999_999_999))
        XCTAssertEqual(CellNumbers.amount(1_000_000_000_000_000, unitVND: 1), .text("1000000000000000"))
        XCTAssertEqual(CellNumbers.exactDecimal(-1_395_600_000, unitVND: 1_000_000), "-1395.6")
        XCTAssertEqual(CellNumbers.exactDecimal(5, unitVND: 1_000_000_000), "0.000000005")
        let rate = try XCTUnwrap(Rate(disbursedVND: 349_999, planVND: 1_000_000))
        XCTAssertEqual(CellNumbers.rateValue(rate, decimals: 2), 0.3499)
        XCTAssertEqual(CellNumbers.rateValue(rate, decimals: 0), 0.34)
        XCTAssertEqual(CellNumbers.rateFormat(decimals: 1), "0.0%")
        XCTAssertEqual(CellNumbers.amountText(1_395_600_000, unitVND: 1_000_000, decimals: 1, lang: .vi), "1.395,6")
        XCTAssertEqual(CellNumbers.amountText(1_395_650_000, unitVND: 1_000_000, decimals: 1, lang: .en), "1,395.7")
        // Every amount below the limit reads back as the đồng.
        for v: VND in [1, 7, 123_456_789, 987_654_321_012, 999_999_999_999_999] {
            if case .number(let x) = CellNumbers.amount(v, unitVND: 1_000_000) { XCTAssertEqual(Int64((x * 1_000_000).rounded()), v) }
        }
    }
}
