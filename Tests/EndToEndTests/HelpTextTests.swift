import Foundation
import XCTest

/// Issue 17, item 3: help reads cleanly at any width. Discussion paragraphs are written without
/// hard breaks, so the argument parser's own wrapping fills every line; lists and examples keep
/// their lines.
final class HelpTextTests: XCTestCase {
    /// Every command path, found from the SUBCOMMANDS section of each help, from the root down.
    func commands() throws -> [[String]] {
        var found: [[String]] = []
        var queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            found.append(path)
            let help = try CLI.run(path + ["--help"]).stdout
            guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { continue }
            for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.isEmpty { break }
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
                queue.append(path + [String(name)])
            }
        }
        return found
    }

    /// A line of prose followed, in the same paragraph at the same indentation, by a line whose
    /// first word would have fitted at its end: the mark of text wrapped twice.
    static func raggedLines(_ help: String, width: Int) -> [String] {
        let lines = help.components(separatedBy: "\n")
        var ragged: [String] = []
        func indent(_ s: String) -> Int { s.prefix { $0 == " " }.count }
        for (a, b) in zip(lines, lines.dropFirst()) {
            guard !a.trimmingCharacters(in: .whitespaces).isEmpty, !b.trimmingCharacters(in: .whitespaces).isEmpty,
                  indent(a) == indent(b) else { continue }
            let body = b.drop { $0 == " " }
            // Lists, examples and the parser's own two-column tables keep their lines.
            if body.hasPrefix("-") || body.contains("giaingan ") || body.first.map({ $0.isNumber }) == true
                || a.drop(while: { $0 == " " }).contains("   ") || b.drop(while: { $0 == " " }).contains("   ")
                || a.hasSuffix(":") { continue }
            guard let word = body.split(separator: " ").first else { continue }
            if a.count + 1 + word.count < width { ragged.append("\(a)⏎\(b)") }
        }
        return ragged
    }

    func test_everyCommandsHelpIsWrappedOnce_atTheDefaultWidthOf80Columns() throws {
        let all = try commands()
        XCTAssertGreaterThan(all.count, 20, "every command and subcommand was found: \(all)")
        for path in all {
            let r = try CLI.run(path + ["--help"])
            XCTAssertEqual(r.status, 0, path.joined(separator: " "))
            let ragged = Self.raggedLines(r.stdout, width: 80)
            XCTAssertEqual(ragged, [], "giaingan \(path.joined(separator: " ")) --help has lines broken twice")
        }
    }

    func test_theRaggedLineDetectorFindsTextWrappedTwice() {
        let ragged = "Shows plan, disbursed and rate as of a date; for every checkpoint passed, met\nor missed on its own\ndate; for the next one"
        XCTAssertEqual(Self.raggedLines(ragged, width: 80).count, 1)
        XCTAssertEqual(Self.raggedLines("Examples:\n  giaingan check\n  giaingan weekly", width: 80), [])
    }
}
