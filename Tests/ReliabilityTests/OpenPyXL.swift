import Foundation
import XCTest

/// Reads workbooks back with openpyxl (`scripts/read-xlsx.py`), a reader independent of the
/// library that wrote them. Without python3 and openpyxl the test is skipped with the reason;
/// under CI (`CI=true`, where `.ci/run` installs openpyxl) it fails instead, so CI never skips.
enum OpenPyXL {
    struct Cell {
        var row: Int
        var column: Int
        var value: Any
        var numberFormat: String
        var bold: Bool
        // read-xlsx.py writes booleans as text, so a number here is a number.
        var number: Double? { (value as? NSNumber)?.doubleValue }
        var text: String? { value as? String }
    }

    struct Sheet {
        var name: String
        var freezePanes: String?
        var autoFilter: String?
        var merged: [String]
        var widths: [String: Double]
        var orientation: String?
        var paperSize: Int?
        var cells: [Cell]

        func cell(_ row: Int, _ column: Int) -> Cell? { cells.first { $0.row == row && $0.column == column } }
        /// Every row as column → cell, by row number.
        var rows: [Int: [Int: Cell]] {
            var out: [Int: [Int: Cell]] = [:]
            for c in cells { out[c.row, default: [:]][c.column] = c }
            return out
        }
        /// Every text of the sheet, for leak checks.
        var allText: String { cells.map { c in c.text ?? "\(c.value)" }.joined(separator: "\n") }
    }

    static var script: String { Repository.root + "/scripts/read-xlsx.py" }

    /// The sheets of each workbook, by path.
    static func read(_ paths: [String]) throws -> [String: [Sheet]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + paths
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("openpyxl-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        let err = Pipe()
        process.standardError = err
        do { try process.run() } catch { try unavailable("python3 cannot be started: \(error)") }
        process.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if process.terminationStatus == 3 || process.terminationStatus == 127 { try unavailable(message) }
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openpyxl", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "openpyxl could not read \(paths): \(message)"])
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any] ?? [:]
        var result: [String: [Sheet]] = [:]
        for (path, book) in json {
            let sheets = ((book as? [String: Any])?["sheets"] as? [[String: Any]]) ?? []
            result[path] = sheets.map { s in
                Sheet(name: s["name"] as? String ?? "", freezePanes: s["freeze_panes"] as? String, autoFilter: s["auto_filter"] as? String,
                      merged: s["merged"] as? [String] ?? [], widths: (s["widths"] as? [String: NSNumber] ?? [:]).mapValues(\.doubleValue),
                      orientation: s["orientation"] as? String, paperSize: (s["paper_size"] as? NSNumber)?.intValue,
                      cells: (s["cells"] as? [[Any]] ?? []).compactMap { a in
                          guard a.count == 5, let r = (a[0] as? NSNumber)?.intValue, let c = (a[1] as? NSNumber)?.intValue else { return nil }
                          return Cell(row: r, column: c, value: a[2], numberFormat: a[3] as? String ?? "", bold: (a[4] as? Bool) ?? false)
                      })
            }
        }
        return result
    }

    static func read(_ path: String) throws -> [Sheet] { try read([path])[path] ?? [] }

    static func unavailable(_ why: String) throws -> Never {
        let message = "reading workbooks back needs python3 with openpyxl (pip install openpyxl): \(why)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            // .ci/run installs openpyxl: under CI a missing reader is a failure, never a skip.
            throw NSError(domain: "openpyxl", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
        }
        throw XCTSkip(message)
    }
}
