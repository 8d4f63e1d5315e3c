import ArgumentParser
import Foundation
import GiaiNganApp

/// Where a report goes: the file of `--out` (written beside and renamed into place, so nothing
/// is half-written), or standard output. A binary format (.xlsx) is refused on a terminal.
struct ReportDestination {
    var out: String?
    var binary: Bool

    /// Refuses before any work is done.
    func validate() throws {
        if binary && out == nil && isatty(1) == 1 {
            throw ValidationError("an .xlsx workbook is binary: pass --out FILE, or redirect standard output to a file (> report.xlsx)")
        }
        if let out, out.isEmpty { throw ValidationError("--out needs a file name") }
    }

    func write(_ data: Data) throws {
        guard let out else { return FileHandle.standardOutput.write(data) }
        let url = URL(fileURLWithPath: out)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandError("--out \(out) is a folder; name a file", isAboutUsage: true)
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw CommandError("cannot write \(out): \(error.localizedDescription)", isAboutUsage: false)
        }
    }
}
