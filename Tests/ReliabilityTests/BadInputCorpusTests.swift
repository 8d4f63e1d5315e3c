import Foundation
import GRDB
import XCTest

/// The bad-input corpus of `fixtures/bad/` (listed in its README): each file is imported through
/// the real `giaingan` binary into a copy of a small database, and must be refused with its exact
/// message, exit status 2 and the database unchanged row for row, or accepted where that is right.
/// No case may crash the binary.
final class BadInputCorpusTests: XCTestCase {
    /// One file of the corpus and what importing it must do.
    struct Case: Sendable {
        var file: String
        var kind = "disbursements"
        /// Lines that must appear, whole, in the output: standard error for a refusal, standard
        /// output for an accepted file. Paths are as given on the command line (the bare name).
        var messages: [String]
        var refused = true
        /// For an accepted file: how many rows each table gains.
        var added: [String: Int] = [:]
        /// Writes the file at run time (the 10 MB and 100,000-comma cases are not committed).
        var generate: (@Sendable (String) throws -> Void)? = nil
        /// Options of the import command (`--unit million`).
        var options: [String] = []
    }

    static let ledgerHeader = "txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\n"
    static let goodRow = "KB-1001,DA001,2023,current,NSĐP,2023-04-10,payment,300.000.000,Thanh toán đợt 2\n"
    static let amountExpected = "expected a whole VND amount such as 1234567000, 1.234.567.000 or 1,234,567,000"
    static let positiveExpected = "expected a positive amount; a ledger entry's type gives its direction (refund, advance_recovery), so its amount is above zero"
    static let excel = "in Excel use \"Save As → CSV UTF-8 (Comma delimited)\""

    static let cases: [Case] = [
        // Encodings
        Case(file: "encoding-windows-1258.csv", messages: [
            "encoding-windows-1258.csv:1:2: expected UTF-8 text, found the byte 0xF4, which is not UTF-8; the file looks like Vietnamese in Windows-1258 (a legacy 8-bit Windows encoding): convert it to UTF-8: \(excel), or run: iconv -f WINDOWS-1258 -t UTF-8 in.csv > out.csv; or import it as it is with --encoding windows-1258"]),
        Case(file: "encoding-tcvn3.csv", messages: [
            "encoding-tcvn3.csv:1:3: expected UTF-8 text, found the byte 0xF1, which is not UTF-8; the file looks like Vietnamese in TCVN3 (ABC, .VnTime fonts), a legacy 8-bit encoding: convert it to UTF-8 with Unikey's converter (TCVN3 → Unicode), or run: iconv -f TCVN5712-1 -t UTF-8 in.csv > out.csv, or in Excel use \"Save As → CSV UTF-8 (Comma delimited)\" after converting the fonts"]),
        Case(file: "encoding-utf16le-bom.csv", messages: ["encoding-utf16le-bom.csv: 1 rows: 1 added, 0 already present, 0 conflicts",
                                                          "  note: encoding-utf16le-bom.csv: note: read as UTF-16 (little-endian, with a byte-order mark)"],
             refused: false, added: ["import": 1, "ledger_entry": 1]),
        Case(file: "encoding-utf16be-bom.csv", messages: ["encoding-utf16be-bom.csv: 1 rows: 1 added, 0 already present, 0 conflicts",
                                                          "  note: encoding-utf16be-bom.csv: note: read as UTF-16 (big-endian, with a byte-order mark)"],
             refused: false, added: ["import": 1, "ledger_entry": 1]),
        Case(file: "encoding-utf16le-no-bom.csv", messages: [
            "encoding-utf16le-no-bom.csv: expected UTF-8 text; the file looks like UTF-16 little-endian without a byte-order mark (every other byte is NUL): convert it to UTF-8: \(excel), or run: iconv -f UTF-16LE -t UTF-8 in.csv > out.csv; or import it as it is with --encoding utf-16le"]),
        Case(file: "encoding-stray-latin1-byte.csv", messages: [
            "encoding-stray-latin1-byte.csv:3:67: expected UTF-8 text, found the byte 0xE9, which is not UTF-8; the rest of the file is UTF-8, so this character probably came from a program that wrote it in a legacy encoding (Windows-1252 or Windows-1258): retype it and save the file as CSV UTF-8; do not convert the whole file, which would garble the text that is right"]),
        Case(file: "nul-byte.csv", messages: [
            "nul-byte.csv:3:66: expected text, found a NUL byte (0x00); the file may be binary, damaged, or saved as UTF-16 (\(excel))"]),

        // Structure
        Case(file: "empty.csv", messages: [
            "empty.csv: expected a header row naming the columns of a disbursements file (the treasury ledger); the file is empty"]),
        Case(file: "bom-only.csv", messages: [
            "bom-only.csv: expected a header row naming the columns of a disbursements file (the treasury ledger); the file is empty"]),
        Case(file: "header-only.csv", messages: ["header-only.csv: 0 rows: 0 added, 0 already present, 0 conflicts"],
             refused: false, added: ["import": 1]),
        Case(file: "no-header.csv", messages: [
            "no-header.csv:1: expected a header row naming the columns, such as txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note; line 1 looks like data (\"2023\", \"2023-04-10\", \"300.000.000\"): add the header row, or a mapping profile with skip-lines"]),
        Case(file: "header-duplicate-column.csv", messages: [
            "header-duplicate-column.csv:1: column \"số tiền\" (7): expected each column once; \"amount_vnd\" (6) and \"số tiền\" (7) both name amount_vnd"]),
        Case(file: "header-missing-required.csv", messages: [
            "header-missing-required.csv:1: expected the required column \"amount_vnd\" (alias \"số tiền\") in the header of a disbursements file (the treasury ledger); it is missing"]),
        Case(file: "header-of-another-kind.csv", messages: [
            "header-of-another-kind.csv:1: expected the required columns \"txn_id\" (alias \"số chứng từ\"), \"date\" (alias \"ngày\"), \"type\" (alias \"loại\") in the header of a disbursements file (the treasury ledger); they are missing (the header looks like a plan file (capital plan lines))"]),
        Case(file: "quote-unterminated.csv", messages: [
            "quote-unterminated.csv:3:64: expected a closing quote for the field that opens here; the file ends inside it (a quote is missing, or a quote inside the field is not doubled as \"\")"]),
        Case(file: "quote-stray.csv", messages: [
            "quote-stray.csv:3:75: expected no quote inside an unquoted field; to put \" in a field, quote the whole field and double the quote, as in \"12 \"\"A\"\" street\""]),
        Case(file: "quote-text-after-closing.csv", messages: [
            "quote-text-after-closing.csv:3:65: expected a comma or the end of the line after the closing quote, found \"đ\"; a quote inside a quoted field is written \"\""]),
        Case(file: "ragged-short-row.csv", messages: [
            "ragged-short-row.csv:3: expected 9 fields, as in the header (line 1); this row has 6 (a missing or extra delimiter, or an unquoted field that holds one)"]),
        Case(file: "ragged-long-row.csv", messages: [
            "ragged-long-row.csv:3: expected 9 fields, as in the header (line 1); this row has 11 (a missing or extra delimiter, or an unquoted field that holds one)"]),
        Case(file: "blank-lines.csv", messages: ["blank-lines.csv: 2 rows: 2 added, 0 already present, 0 conflicts"],
             refused: false, added: ["import": 1, "ledger_entry": 2]),
        Case(file: "blank-lines-then-error.csv", messages: [
            "blank-lines-then-error.csv:7: column \"date\" (6): value \"2023-04-31\": expected a date that exists; 2023-04-31 is not a date: April 2023 has 30 days"]),
        Case(file: "field-10mb.csv", messages: [
            "field-10mb.csv:3:64: expected a field of at most 1 MiB; the field that starts here is longer"],
             generate: { path in
                 try write(path, ledgerHeader + goodRow + "KB-1002,DA002,2023,current,NSTW,2023-04-11,payment,200.000.000,"
                     + String(repeating: "Thanh toán ", count: 10 << 20 / 12) + "\n")
             }),
        Case(file: "field-10mb-quoted.csv", messages: [
            "field-10mb-quoted.csv:3:64: expected a field of at most 1 MiB; the field that starts here is longer (it opens with a quote: perhaps its closing quote is missing)"],
             generate: { path in
                 try write(path, ledgerHeader + goodRow + "KB-1002,DA002,2023,current,NSTW,2023-04-11,payment,200.000.000,\""
                     + String(repeating: "x", count: 10 << 20) + "\"\n")
             }),
        Case(file: "commas-100000.csv", messages: [
            "commas-100000.csv:3:1001: expected at most 1000 fields in a record; this record has more"],
             generate: { path in try write(path, ledgerHeader + goodRow + String(repeating: ",", count: 100_000) + "\n") }),

        // Values
        Case(file: "date-31-02.csv", messages: [
            "date-31-02.csv:3: column \"date\" (6): value \"31/02/2023\": expected a date that exists; 31/02/2023 is not a date: February 2023 has 28 days"]),
        Case(file: "date-2023-13-01.csv", messages: [
            "date-2023-13-01.csv:3: column \"date\" (6): value \"2023-13-01\": expected a date that exists; month 13 does not exist"]),
        Case(file: "date-wrong-form.csv", messages: ["date-wrong-form.csv: 2 rows: 2 added, 0 already present, 0 conflicts"],
             refused: false, added: ["import": 1, "ledger_entry": 2]),
        Case(file: "amount-letters.csv", messages: ["amount-letters.csv: 2 rows: 2 added, 0 already present, 0 conflicts"],
             refused: false, added: ["import": 1, "ledger_entry": 2]),
        Case(file: "amount-mixed-separators.csv", messages: [
            "amount-mixed-separators.csv:3: column \"amount_vnd\" (8): value \"1.234,567.0\": \(amountExpected); it mixes \".\" and \",\" as separators; a whole VND amount uses one kind only, to group thousands"]),
        Case(file: "amount-bad-grouping.csv", messages: [
            "amount-bad-grouping.csv:3: column \"amount_vnd\" (8): value \"12.34.567\": \(amountExpected); after the first group, every group has exactly 3 digits; group 2 has 2"]),
        Case(file: "amount-decimal.csv", messages: [
            "amount-decimal.csv:3: column \"amount_vnd\" (8): value \"1.5\": \(amountExpected); 1 digit after \".\" look like decimals, but VND amounts are whole and \".\" or \",\" only groups thousands (for a file in million VND, use the unit million)"]),
        Case(file: "amount-beyond-int64.csv", messages: [
            "amount-beyond-int64.csv:3: column \"amount_vnd\" (8): value \"9.223.372.036.854.775.808\": \(amountExpected); it exceeds the largest amount (9.223.372.036.854.775.807 VND)"]),
        Case(file: "amount-negative-ledger.csv", messages: [
            "amount-negative-ledger.csv:3: column \"amount_vnd\" (8): value \"-50.000.000\": \(positiveExpected)"]),
        Case(file: "amount-zero-ledger.csv", messages: [
            "amount-zero-ledger.csv:3: column \"amount_vnd\" (8): value \"0\": \(positiveExpected)"]),
        Case(file: "type-unknown.csv", messages: [
            "type-unknown.csv:3: column \"type\" (7): value \"chi trả\": expected an entry type: advance, payment, advance_recovery or refund (or tạm ứng, thanh toán, thu hồi tạm ứng, nộp trả)"]),
        Case(file: "plan-year-bad.csv", messages: [
            "plan-year-bad.csv:3: column \"plan_year\" (3): value \"23\": expected a plan year: 4 digits, 2000–2099"]),
        Case(file: "required-cell-empty.csv", messages: [
            "required-cell-empty.csv:3: column \"txn_id\" (1): value \"\": expected a value; txn_id is required"]),
        Case(file: "every-bad-value-in-one-row.csv", messages: [
            "every-bad-value-in-one-row.csv:2: column \"txn_id\" (1): value \"\": expected a value; txn_id is required",
            "every-bad-value-in-one-row.csv:2: column \"tranche\" (4): value \"later\": expected a tranche: current, carried_over or advance_plan (or trong năm, kéo dài, ứng trước)",
            "every-bad-value-in-one-row.csv:2: column \"date\" (6): value \"31/02/2023\": expected a date that exists; 31/02/2023 is not a date: February 2023 has 28 days",
            "every-bad-value-in-one-row.csv:2: column \"type\" (7): value \"gift\": expected an entry type: advance, payment, advance_recovery or refund (or tạm ứng, thanh toán, thu hồi tạm ứng, nộp trả)",
            "every-bad-value-in-one-row.csv:2: column \"amount_vnd\" (8): value \"12.34.567\": \(amountExpected); after the first group, every group has exactly 3 digits; group 2 has 2"]),
        Case(file: "many-bad-rows.csv", messages: [
            "many-bad-rows.csv:2: column \"date\" (6): value \"2023-04-32\": expected a date that exists; 2023-04-32 is not a date: April 2023 has 30 days",
            "many-bad-rows.csv:51: column \"date\" (6): value \"2023-04-81\": expected a date that exists; 2023-04-81 is not a date: April 2023 has 30 days",
            "… and 10 more problems"]),

        // Registry and ledger identity
        Case(file: "project-unknown.csv", messages: [
            "project-unknown.csv:3: column \"project_code\": value \"DA404\": expected a project in the registry (2 rows use this code): import projects.csv with it first",
            "project-unknown.csv:4: column \"project_code\": value \"DA999\": expected a project in the registry (1 row uses this code): import projects.csv with it first"]),
        Case(file: "plan-year-without-plan.csv", messages: [
            "plan-year-without-plan.csv: 2 rows: 2 added, 0 already present, 0 conflicts",
            "  note: accepted 2 entries drawing on plan year 2024, which has no plan yet: they count once its plan is imported"],
             refused: false, added: ["import": 1, "ledger_entry": 2]),
        Case(file: "txn-duplicate-different-content.csv", messages: [
            "txn-duplicate-different-content.csv:3: column \"txn_id\": value \"KB-1001\": expected a unique txn_id: line 2 of this file has the same txn_id with different content"]),
        Case(file: "txn-duplicate-same-content.csv", messages: ["txn-duplicate-same-content.csv: 2 rows: 1 added, 1 already present, 0 conflicts"],
             refused: false, added: ["import": 1, "ledger_entry": 1]),
        Case(file: "txn-conflict-with-stored.csv", messages: [
            "txn-conflict-with-stored.csv:2: column \"txn_id\": value \"KB-0002\": expected the same content as the entry already stored with this txn_id (this row says project DA002, plan year 2023, current, 2023-03-15, payment, 550000000 VND; the entry stored with this txn_id says project DA002, plan year 2023, current, 2023-03-15, payment, 500000000 VND (from disbursements.csv, line 3)); a treasury entry is never overwritten"]),
        Case(file: "ledger-sum-beyond-int64.csv", messages: [
            "ledger-sum-beyond-int64.csv:3: column \"project_code\": value \"DA001\": expected amounts that GiaiNgan can add up exactly; project DA001's ledger entries for plan year 2023 would add up to about 1.0 × 10^19 VND, beyond the limit of 9 × 10^18 VND per project and year: an amount in this file is probably wrong"]),

        // Projects and plan files
        Case(file: "projects-formula-in-name.csv", kind: "projects",
             messages: ["projects-formula-in-name.csv: 2 rows: 2 added, 0 already present, 0 updated, 0 conflicts"],
             refused: false, added: ["import": 1, "project": 2, "investor": 1]),
        Case(file: "projects-duplicate-code.csv", kind: "projects", messages: [
            "projects-duplicate-code.csv:4: column \"project_code\": value \"DA020\": expected a unique project_code: line 2 of this file has the same project_code with different content"]),
        Case(file: "plan-class-unknown.csv", kind: "plan", messages: [
            "plan-class-unknown.csv:3: column \"class\" (3): value \"dự án trọng điểm\": expected a project class: transitional or new_start (or chuyển tiếp, khởi công mới)"]),
        Case(file: "plan-sum-beyond-int64.csv", kind: "plan", messages: [
            "plan-sum-beyond-int64.csv:3: column \"project_code\": value \"DA001\": expected amounts that GiaiNgan can add up exactly; project DA001's plan lines for plan year 2023 would add up to about 1.0 × 10^19 VND, beyond the limit of 9 × 10^18 VND per project and year: an amount in this file is probably wrong"]),
        Case(file: "plan-amount-beyond-int64.csv", kind: "plan", messages: [
            "plan-amount-beyond-int64.csv:2: column \"amount_vnd\" (4): value \"-9223372036854775809\": \(amountExpected); it exceeds the largest amount (9.223.372.036.854.775.807 VND)"]),

        // Spreadsheet habits (issue 12)
        Case(file: "separator-mismatch.csv", messages: [
            "separator-mismatch.csv:3: expected 9 fields, as in the header (line 1); this row has 1: it separates its fields by a comma where the header uses a semicolon; every row of a file uses one separator (save the file again from the spreadsheet, or pass --delimiter)"]),
        Case(file: "date-order-mixed.csv", messages: [
            "date-order-mixed.csv:3: column \"date\" (6): value \"04/14/2023\": expected dates in one order throughout the file; line 2 has 13/04/2023, which can only be day first, and 04/14/2023 can only be month first: the file mixes both; correct the dates, or say the order with --date-order dmy|mdy"]),
        Case(file: "date-excel-serial.csv", messages: [
            "date-excel-serial.csv:2: column \"date\" (6): value \"45026\": expected a date written yyyy-MM-dd, dd/MM/yyyy or d/M/yyyy; 45026 looks like an Excel date serial (day 45026 is 10/04/2023 in Excel's date system): the spreadsheet shows the column as numbers; format it as a date (dd/mm/yyyy) and save the file again"]),
        Case(file: "date-two-digit-year.csv", messages: [
            "date-two-digit-year.csv:2: column \"date\" (6): value \"10/4/23\": expected a date written yyyy-MM-dd, dd/MM/yyyy or d/M/yyyy; \"10/4/23\" has a two-digit year, which a spreadsheet writes when the column's date format shortens it: format the column as dd/mm/yyyy (a four-digit year) and save the file again"]),
        Case(file: "date-outside-plan-year-window.csv",
             messages: ["date-outside-plan-year-window.csv: 2 rows: 2 added, 0 already present, 0 conflicts",
                        "  note: date-outside-plan-year-window.csv: warning: 2 entries are dated outside their plan year's window (1 January of the plan year to 31 January of the next; 31 December of the next for carried-over capital): lines 2, 3; check their dates and plan years"],
             refused: false, added: ["import": 1, "ledger_entry": 2]),
        Case(file: "amount-accounting-negative-ledger.csv", messages: [
            "amount-accounting-negative-ledger.csv:2: column \"amount_vnd\" (8): value \"(5.000.000)\": expected a positive amount; (…) marks a negative amount in the accounting format; a ledger entry's type gives its direction (refund, advance_recovery), so its amount is above zero"]),
        Case(file: "amount-million-ambiguous.csv", messages: [
            "amount-million-ambiguous.csv:2: column \"amount_vnd\" (8): value \"18.500\": expected amounts whose decimal separator the file shows; \"18.500\" reads as 18.500 million VND (18.500.000.000 đồng) if \".\" groups thousands (Vietnamese), or as 18,5 million VND (18.500.000 đồng) if \".\" marks decimals (English), and no amount in the file decides (1 more read both ways): pass --decimal-separator , or --decimal-separator ."],
             options: ["--unit", "million"]),
        Case(file: "amount-currency-in-million.csv", messages: [
            "amount-currency-in-million.csv:2: column \"amount_vnd\" (8): value \"300.000.000 đ\": expected an amount in million VND such as 1.395,6 (dots group thousands, a comma marks decimals); it says đồng (a currency sign or word), but the file is read in million VND (--unit million): import it with --unit vnd, or remove the currency from the cells"],
             options: ["--unit", "million"]),
        Case(file: "amount-unit-in-header.csv",
             messages: ["amount-unit-in-header.csv: 1 rows: 1 added, 0 already present, 0 conflicts",
                        "  note: amount-unit-in-header.csv:1: note: amounts read in triệu đồng (million VND), as the header \"Số tiền (triệu đồng)\" says"],
             refused: false, added: ["import": 1, "ledger_entry": 1]),
        Case(file: "amount-unit-header-conflict.csv", messages: [
            "amount-unit-header-conflict.csv:1: column \"Số tiền (triệu đồng)\" (8): expected amounts in whole đồng (VND), as --unit says; the header names triệu đồng (million VND): drop --unit to read them as the header says, or correct the header"],
             options: ["--unit", "vnd"]),
        Case(file: "header-amount-in-thousand-dong.csv", messages: [
            "header-amount-in-thousand-dong.csv:1: column \"Số tiền (nghìn đồng)\" (8): expected amounts in đồng or in triệu đồng (million VND); this column is headed in nghìn đồng, which GiaiNgan does not read: convert the column to đồng or triệu đồng and name the unit in its header"]),
        Case(file: "total-row-not-the-sum.csv", messages: [
            "total-row-not-the-sum.csv:4: column \"amount_vnd\" (8): value \"600.000.000\": expected a row of the table; this row looks like a total (\"Tổng cộng\", no project code), but its amount is not the sum of the rows above it (the 2 rows above add up to 500.000.000): a total row is skipped only when it adds up; delete it, or correct it or the rows above"]),
        Case(file: "total-row-the-sum.csv",
             messages: ["total-row-the-sum.csv: 2 rows: 2 added, 0 already present, 0 conflicts",
                        "  note: total-row-the-sum.csv:4: note: skipped a total row (\"Tổng cộng\", 500.000.000), the sum of the 2 rows above it"],
             refused: false, added: ["import": 1, "ledger_entry": 2]),
        // Schedules (issue 15)
        Case(file: "schedules-week-period.csv", kind: "schedules", messages: [
            "schedules-week-period.csv:3: column \"period\" (3): value \"2023-W14\": expected a month yyyy-MM such as 2023-09; weekly periods are not read yet: add the weeks of each month into one row for the month"]),
        Case(file: "schedules-month-outside-window.csv", kind: "schedules", messages: [
            "schedules-month-outside-window.csv:2: column \"period\" (3): value \"2024-03\": expected a month of plan year 2023's window, 2023-01 to 2024-01"]),
        Case(file: "schedules-negative-planned.csv", kind: "schedules", messages: [
            "schedules-negative-planned.csv:2: column \"planned_vnd\" (4): value \"-5.000.000\": expected a planned disbursement of zero or more"]),
        Case(file: "schedules-same-submission-two-figures.csv", kind: "schedules", messages: [
            "schedules-same-submission-two-figures.csv:3: column \"planned_vnd\": value \"250000000\": expected one planned_vnd per project, plan year, period and submitted_on: line 2 of this file gives another figure for the same"]),
        Case(file: "schedules-project-unknown.csv", kind: "schedules", messages: [
            "schedules-project-unknown.csv:2: column \"project_code\": value \"DA404\": expected a project in the registry (1 row uses this code): import projects.csv with it first"]),
        Case(file: "schedules-revision-accepted.csv", kind: "schedules",
             messages: ["schedules-revision-accepted.csv: 3 rows: 3 added, 0 already present, 0 conflicts"],
             refused: false, added: ["import": 1, "schedule_line": 3]),
        Case(file: "projects-leading-zeros-dropped.csv", kind: "projects", messages: [
            "projects-leading-zeros-dropped.csv:3: column \"project_code\": value \"71234\": expected a project code that is not another one's without its leading zeros; 71234 looks like 0071234, already in the registry: the spreadsheet dropped its leading zeros; format the column as Text and type the codes again, so that the project is not added twice"]),
        Case(file: "workbook-excel-97.xls", messages: [
            "workbook-excel-97.xls: expected an .xlsx workbook or a CSV file; this is an Excel 97–2003 workbook (.xls, the binary BIFF format) or a password-protected workbook, which GiaiNgan does not read: open it in Excel or LibreOffice Calc and save it as .xlsx (Excel Workbook) or as CSV UTF-8, then import that file (without a password)"]),
        Case(file: "workbook-opendocument.ods", messages: [
            "workbook-opendocument.ods: expected an .xlsx workbook or a CSV file; this is an OpenDocument spreadsheet (.ods), which GiaiNgan does not read: open it in Excel or LibreOffice Calc and save it as .xlsx (Excel Workbook) or as CSV UTF-8, then import that file"]),
        Case(file: "workbook-cut-short.xlsx", messages: [
            "workbook-cut-short.xlsx: expected an .xlsx workbook or a CSV file; this looks like a ZIP archive but it cannot be opened as one (missingEndOfCentralDirectoryRecord): the file may be damaged or cut short"]),
        Case(file: "workbook-ledger-below-a-title.xlsx",
             messages: ["workbook-ledger-below-a-title.xlsx: 2 rows: 2 added, 0 already present, 0 conflicts",
                        "  note: workbook-ledger-below-a-title.xlsx:4: note: the header is on line 4; the lines above it (a title or metadata, such as \"KHO BẠC NHÀ NƯỚC CÀ MAU\") were not read"],
             refused: false, added: ["import": 1, "ledger_entry": 2]),
    ]

    static func write(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    // MARK: - The base database

    /// A database holding `fixtures/bad/base/` (3 projects, their 2023 plan, 3 ledger entries), made
    /// once through the CLI; every case imports into its own copy.
    static let base: (scratch: Scratch, database: String) = {
        let scratch = Scratch()
        let db = scratch.path + "/base.sqlite"
        for kind in ["projects", "plan", "disbursements"] {
            let r = try! CLI.run(["import", kind, Repository.bad + "/base/\(kind).csv", "--db", db])
            precondition(r.status == 0, "the base import failed: \(r.stderr)")
        }
        return (scratch, db)
    }()

    /// Imports `c` into a copy of the base database and checks everything the case promises.
    func check(_ c: Case, in scratch: Scratch) throws {
        let folder = scratch.folder(c.file + ".d")
        let db = folder + "/db.sqlite"
        try FileManager.default.copyItem(atPath: Self.base.database, toPath: db)
        let path = folder + "/" + c.file
        if let generate = c.generate {
            try generate(path)
        } else {
            try FileManager.default.copyItem(atPath: Repository.bad + "/" + c.file, toPath: path)
        }
        let before = try DatabaseContent.rows(db)
        // Run from the case's folder with the bare name, so that messages read as a user sees them.
        let r = try CLI.run(["import", c.kind, c.file, "--db", "db.sqlite"] + c.options, cwd: folder)
        XCTAssertFalse(r.crashed, "\(c.file): the binary crashed: \(r.stderr)")
        let after = try DatabaseContent.rows(db)
        XCTAssertEqual(try DatabaseContent.integrityCheck(db), "ok", c.file)
        if c.refused {
            XCTAssertEqual(r.status, 2, "\(c.file) must be refused: \(r.stdout)\(r.stderr)")
            XCTAssertEqual(r.stdout, "", c.file)
            let lines = r.stderr.components(separatedBy: "\n").map { $0.hasPrefix("giaingan: ") ? String($0.dropFirst(10)) : $0 }
            for message in c.messages {
                XCTAssertTrue(lines.contains(message), "\(c.file): expected the line\n\(message)\ngot\n\(r.stderr)")
            }
            XCTAssertTrue(lines.contains("nothing was imported: fix the file and run the import again"), "\(c.file): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("--help"), "\(c.file): a bad file is not bad usage")
            XCTAssertLessThan(r.stderr.utf8.count, 64 << 10, "\(c.file): the message stays short, whatever the file holds")
            XCTAssertEqual(after, before, "\(c.file): a refused import must write nothing")
        } else {
            XCTAssertEqual(r.status, 0, "\(c.file) must be accepted: \(r.stderr)")
            let lines = r.stdout.components(separatedBy: "\n")
            for message in c.messages {
                XCTAssertTrue(lines.contains(message), "\(c.file): expected the line\n\(message)\ngot\n\(r.stdout)")
            }
            for table in DatabaseContent.tables {
                XCTAssertEqual((after[table]?.count ?? 0) - (before[table]?.count ?? 0), c.added[table] ?? 0, "\(c.file): rows added to \(table)")
            }
            // What was there stays as it was.
            for table in DatabaseContent.tables where table != "import" {
                XCTAssertEqual(Array(after[table]!.prefix(before[table]!.count)), before[table]!, "\(c.file): \(table) changed")
            }
        }
    }

    // MARK: - Tests

    func test_everyCaseOfTheCorpusIsRefusedOrAcceptedAsDocumented() throws {
        let scratch = Scratch()
        XCTAssertGreaterThanOrEqual(Self.cases.count, 30)
        for c in Self.cases { try check(c, in: scratch) }
    }

    /// Every committed file has a case, every case a file (or a generator), and the corpus README
    /// lists every case with its message, so that the table a reader sees is the one tested.
    func test_corpusFilesCasesAndREADMEAgree() throws {
        let committed = Set(try FileManager.default.contentsOfDirectory(atPath: Repository.bad).filter { $0 != "README.md" && $0 != "base" && !$0.hasPrefix(".") })
        let named = Set(Self.cases.map(\.file))
        XCTAssertEqual(committed.subtracting(named), [], "files without a case")
        for c in Self.cases where c.generate == nil {
            XCTAssertTrue(committed.contains(c.file), "\(c.file) is not in fixtures/bad/")
        }
        for c in Self.cases where c.generate != nil {
            XCTAssertFalse(committed.contains(c.file), "\(c.file) is generated by the test, not committed")
        }
        let readme = try String(contentsOfFile: Repository.bad + "/README.md", encoding: .utf8)
        for c in Self.cases {
            XCTAssertTrue(readme.contains("`\(c.file)`"), "README lists \(c.file)")
            let shown = c.messages[0].replacingOccurrences(of: "|", with: "\\|")
            XCTAssertTrue(readme.contains(shown), "README shows the message of \(c.file):\n\(shown)")
        }
    }

    /// The same bad files, read directly by the weekly run's inbox: each is set aside in
    /// `rejected/` with its message, the good file beside them still imports, and nothing crashes.
    func test_weeklyRunSetsEveryBadLedgerAsideAndImportsTheRest() throws {
        let scratch = Scratch()
        let db = scratch.path + "/db.sqlite"
        try FileManager.default.copyItem(atPath: Self.base.database, toPath: db)
        let inbox = scratch.folder("inbox")
        // A plan file in the inbox is recognised as one and imported: that case is about `import disbursements`.
        let refused = Self.cases.filter {
            $0.refused && $0.kind == "disbursements" && $0.generate == nil && $0.file != "header-of-another-kind.csv" && $0.options.isEmpty
        }
        for c in refused { try FileManager.default.copyItem(atPath: Repository.bad + "/" + c.file, toPath: inbox + "/" + c.file) }
        try Self.write(inbox + "/good.csv", Self.ledgerHeader + Self.goodRow)
        let r = try CLI.run(["weekly", "--db", db, "--inbox", inbox, "--out", scratch.path + "/out", "--as-of", "2023-06-01"])
        XCTAssertFalse(r.crashed, r.stderr)
        XCTAssertEqual(r.status, 3, "rejected files make the week incomplete: \(r.stderr)")
        XCTAssertTrue(r.stdout.contains("imported: good.csv"), r.stdout)
        XCTAssertEqual(try DatabaseContent.count(db, "ledger_entry"), 4)
        let rejected = try FileManager.default.contentsOfDirectory(atPath: inbox + "/rejected")
        for c in refused {
            XCTAssertTrue(rejected.contains(c.file), "\(c.file) set aside")
            let report = try String(contentsOfFile: inbox + "/rejected/\(c.file).errors.txt", encoding: .utf8)
            // Header problems are found when the kind is recognised, with their own wording.
            if !c.file.hasPrefix("header-") && !c.file.hasPrefix("no-header") && !c.file.hasPrefix("encoding-utf16") {
                XCTAssertTrue(report.contains(c.messages[0].components(separatedBy: ": expected").first!), "\(c.file): \(report)")
            }
        }
    }

    /// A formula in a name is data: stored as written, and defused in the CSV a spreadsheet opens.
    func test_formulaTextIsStoredAsTextAndDefusedInCSV() throws {
        let scratch = Scratch()
        let db = scratch.path + "/db.sqlite"
        try FileManager.default.copyItem(atPath: Self.base.database, toPath: db)
        XCTAssertEqual(try CLI.run(["import", "projects", Repository.bad + "/projects-formula-in-name.csv", "--db", db]).status, 0)
        let plan = scratch.file("plan.csv", "project_code,plan_year,class,amount_vnd,effective_on\n"
            + "DA010,2023,transitional,1.000.000.000,2023-01-05\nDA011,2023,new_start,1.000.000.000,2023-01-05\n")
        XCTAssertEqual(try CLI.run(["import", "plan", plan, "--db", db]).status, 0)
        let csv = try CLI.run(["check", "--db", db, "--as-of", "2023-06-01", "--format", "csv", "--fail-on", "never"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let cells = csv.stdout.components(separatedBy: "\r\n").flatMap { $0.components(separatedBy: ",") }
        for formula in ["=HYPERLINK(", "@SUM(1+1)", "+84 Năm Căn", "-2+3 Đường ven sông"] {
            XCTAssertTrue(csv.stdout.contains("'" + formula), "\(formula) is defused: \(csv.stdout)")
            XCTAssertFalse(cells.contains { $0.hasPrefix(formula) || $0.hasPrefix("\"" + formula) }, "\(formula) starts a cell")
        }
        // The other formats show the text as it is (HTML escapes it; nothing there runs it).
        let json = try CLI.run(["check", "--db", db, "--as-of", "2023-06-01", "--format", "json", "--fail-on", "never"])
        XCTAssertTrue(json.stdout.contains("\"@SUM(1+1)\""), json.stdout)
    }

    /// A database that holds totals beyond Int64 (written before imports refused them, or by hand)
    /// makes `check` fail with a message, not crash: both where SQLite sums (the ledger) and where
    /// Swift adds the two tranches of a plan.
    func test_totalsBeyondInt64AlreadyStoredFailWithAMessageNotACrash() throws {
        let scratch = Scratch()
        let db = scratch.path + "/db.sqlite"
        try FileManager.default.copyItem(atPath: Self.base.database, toPath: db)
        let queue = try DatabaseQueue(path: db)
        try queue.write { db in
            let importID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM import")!
            for tranche in [0, 1] {
                try db.execute(sql: """
                    INSERT INTO plan_line (project_id, plan_year, class, tranche, amount, effective_on, occurrence, import_id, source_line)
                    VALUES (1, 2023, 'transitional', ?, 5000000000000000000, 19500, 1, ?, 2)
                    """, arguments: [tranche, importID])
            }
        }
        let bothTranches = scratch.file("rules.toml", try String(contentsOfFile: Repository.fixtures + "/rules/camau-2023.toml", encoding: .utf8)
            .replacingOccurrences(of: "\ncounted_tranches = [\"current\"]", with: "\ncounted_tranches = [\"current\", \"carried_over\"]"))
        let plan = try CLI.run(["check", "--db", db, "--as-of", "2023-06-01", "--rules", bothTranches])
        XCTAssertFalse(plan.crashed, plan.stderr)
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.stderr.contains("giaingan: the plan of project DA001 exceeds the largest amount"), plan.stderr)

        try queue.write { db in
            let importID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM import")!
            try db.execute(sql: "DELETE FROM plan_line WHERE amount = 5000000000000000000")
            for n in 1...2 {
                try db.execute(sql: """
                    INSERT INTO ledger_entry (txn_id, project_id, plan_year, tranche, date, type, amount, disbursed_delta, advance_delta,
                        import_id, source_line) VALUES (?, 1, 2023, 0, 19450, 1, 5000000000000000000, 5000000000000000000, 0, ?, 2)
                    """, arguments: ["X\(n)", importID])
            }
        }
        let ledger = try CLI.run(["check", "--db", db, "--as-of", "2023-06-01"])
        XCTAssertFalse(ledger.crashed, ledger.stderr)
        XCTAssertEqual(ledger.status, 2)
        XCTAssertTrue(ledger.stderr.contains("add up beyond the largest amount (9.223.372.036.854.775.807 VND)"), ledger.stderr)
        XCTAssertFalse(ledger.stderr.contains("integer overflow"), ledger.stderr)
    }
}
