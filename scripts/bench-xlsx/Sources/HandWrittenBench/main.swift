// The same sheet as LibXlsxWriterBench, written as hand-made SpreadsheetML (inline strings,
// a styles part with the two number formats, merged cells, a frozen pane, an autofilter) and
// zipped with ZIPFoundation. Usage: HandWrittenBench ROWS OUT.xlsx
import Foundation
import ZIPFoundation

let args = CommandLine.arguments
let rows = Int(args[1]) ?? 20_000
let out = URL(fileURLWithPath: args[2])
try? FileManager.default.removeItem(at: out)

func esc(_ s: String) -> String {
    var o = ""
    for ch in s.unicodeScalars {
        switch ch {
        case "&": o += "&amp;"
        case "<": o += "&lt;"
        case ">": o += "&gt;"
        case "\"": o += "&quot;"
        default: o.unicodeScalars.append(ch)
        }
    }
    return o
}
func column(_ c: Int) -> String { String(UnicodeScalar(UInt8(65 + c))) }

var sheet = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
sheet += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
sheet += "<cols><col min=\"1\" max=\"3\" width=\"30\" customWidth=\"1\"/><col min=\"4\" max=\"15\" width=\"16\" customWidth=\"1\"/></cols><sheetData>"
sheet += "<row r=\"1\"><c r=\"D1\" s=\"3\" t=\"inlineStr\"><is><t>Kế hoạch và giải ngân</t></is></c><c r=\"J1\" s=\"3\" t=\"inlineStr\"><is><t>Tỷ lệ</t></is></c></row><row r=\"2\">"
for c in 0..<15 {
    sheet += "<c r=\"\(column(c))2\" s=\"3\" t=\"inlineStr\"><is><t>\(esc(c < 3 ? ["Mã dự án", "Tên dự án", "Chủ đầu tư"][c] : "Cột \(c)"))</t></is></c>"
}
sheet += "</row>"
var data = Data()
data.reserveCapacity(rows * 900)
data.append(sheet.data(using: .utf8)!)
for r in 0..<rows {
    let n = r + 3
    var row = "<row r=\"\(n)\">"
    row += "<c r=\"A\(n)\" t=\"inlineStr\"><is><t>\(String(format: "%07d", r))</t></is></c>"
    row += "<c r=\"B\(n)\" t=\"inlineStr\"><is><t>\(esc("Dự án đường giao thông nông thôn số \(r) – xã Tân Thành"))</t></is></c>"
    row += "<c r=\"C\(n)\" t=\"inlineStr\"><is><t>\(esc("Ban Quản lý dự án huyện \(r % 300)"))</t></is></c>"
    for c in 3..<9 { row += "<c r=\"\(column(c))\(n)\" s=\"1\"><v>\(r * 1_000_003 + c * 7_919)</v></c>" }
    for c in 9..<15 { row += "<c r=\"\(column(c))\(n)\" s=\"2\"><v>\(Double((r * 37 + c) % 10_000) / 10_000)</v></c>" }
    row += "</row>"
    data.append(row.data(using: .utf8)!)
}
data.append("</sheetData><autoFilter ref=\"A2:O\(rows + 2)\"/><mergeCells count=\"2\"><mergeCell ref=\"D1:I1\"/><mergeCell ref=\"J1:O1\"/></mergeCells></worksheet>".data(using: .utf8)!)

let parts: [(String, String)] = [
    ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>"),
    ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
    ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Dự án\" sheetId=\"1\" r:id=\"rId1\"/></sheets><definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'Dự án'!$A$2:$O$\(rows + 2)</definedName></definedNames></workbook>"),
    ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>"),
    ("xl/styles.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"#,##0\"/></numFmts><fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style=\"thin\"/><right style=\"thin\"/><top style=\"thin\"/><bottom style=\"thin\"/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/><xf numFmtId=\"10\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\" wrapText=\"1\"/></xf></cellXfs></styleSheet>"),
]
let archive = try Archive(url: out, accessMode: .create)
for (path, text) in parts {
    let bytes = text.data(using: .utf8)!
    try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
        bytes.subdata(in: Int(position)..<Int(position) + size)
    }
}
try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
    data.subdata(in: Int(position)..<Int(position) + size)
}
