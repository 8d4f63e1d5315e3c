// Writes ROWS rows of a project sheet with libxlsxwriter: a two-row header with merged cells,
// three text and twelve number columns (#,##0 and 0.00%), frozen header, autofilter.
// Usage: LibXlsxWriterBench ROWS OUT.xlsx [constant]
import CXlsxWriter
import Foundation

let args = CommandLine.arguments
let rows = Int(args[1]) ?? 20_000
let constant = args.count > 3 && args[3] == "constant"
var options = lxw_workbook_options()
options.constant_memory = constant ? 1 : 0
guard let wb = workbook_new_opt(args[2], &options), let ws = workbook_add_worksheet(wb, "Dự án") else { exit(1) }
let money = workbook_add_format(wb); format_set_num_format(money, "#,##0")
let pct = workbook_add_format(wb); format_set_num_format(pct, "0.00%")
let head = workbook_add_format(wb); format_set_bold(head); format_set_border(head, UInt8(LXW_BORDER_THIN.rawValue))
format_set_align(head, UInt8(LXW_ALIGN_CENTER.rawValue)); format_set_text_wrap(head)
worksheet_set_column(ws, 0, 2, 30, nil)
worksheet_set_column(ws, 3, 14, 16, nil)
if !constant {
    worksheet_merge_range(ws, 0, 3, 0, 8, "Kế hoạch và giải ngân", head)
    worksheet_merge_range(ws, 0, 9, 0, 14, "Tỷ lệ", head)
}
for c in 0..<15 { worksheet_write_string(ws, 1, lxw_col_t(c), c < 3 ? ["Mã dự án", "Tên dự án", "Chủ đầu tư"][c] : "Cột \(c)", head) }
for r in 0..<rows {
    let row = lxw_row_t(r + 2)
    worksheet_write_string(ws, row, 0, String(format: "%07d", r), nil)
    worksheet_write_string(ws, row, 1, "Dự án đường giao thông nông thôn số \(r) – xã Tân Thành", nil)
    worksheet_write_string(ws, row, 2, "Ban Quản lý dự án huyện \(r % 300)", nil)
    for c in 3..<9 { worksheet_write_number(ws, row, lxw_col_t(c), Double(r * 1_000_003 + c * 7_919), money) }
    for c in 9..<15 { worksheet_write_number(ws, row, lxw_col_t(c), Double((r * 37 + c) % 10_000) / 10_000, pct) }
}
worksheet_freeze_panes(ws, 2, 0)
worksheet_autofilter(ws, 1, 0, lxw_row_t(rows + 1), 14)
exit(workbook_close(wb) == LXW_NO_ERROR ? 0 : 1)
