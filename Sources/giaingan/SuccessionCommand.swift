import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganStore

/// `giaingan succession`: record and list dated changes of investor (README "Reorganisation").
struct SuccessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "succession",
        abstract: "Record or list projects that pass from one investor to another on a date (2025 reorganisation).",
        discussion: """
        The figures of the year stay with the newest investor; a check as of a date before the change shows \
        the investors as they were then, and every report names the former investors ("gồm … đến …"). \
        A file of successions is imported with `giaingan import successions FILE`.
        """,
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that an investor's projects (all, or those named with --project) pass to another on a date.",
            discussion: """
            Without --project, every project the old investor holds the day before DATE passes. With --project \
            (repeatable), only those: one old investor split among several new ones is one command per new one. \
            Several old investors merged into one new one are one command per old one. The new investor is \
            created when the registry does not have it yet. Recording the same succession again changes nothing.

            Example:
              giaingan succession add --from "Ban QLDA huyện Hòa Bình" --to "Ban QLDA tỉnh Cà Mau" \\
                --on 2025-07-01 --ref 1234/QĐ-UBND
            """)

        @Option(help: ArgumentHelp("The old investor (as the registry names it; a unique close match is accepted).", valueName: "NAME"))
        var from: String
        @Option(help: ArgumentHelp("The new investor.", valueName: "NAME"))
        var to: String
        @Option(help: ArgumentHelp("The first day the new investor holds the projects (yyyy-MM-dd or dd/MM/yyyy).", valueName: "DATE"))
        var on: String
        @Option(help: ArgumentHelp("The decision that made the change (số quyết định).", valueName: "REF"))
        var ref: String
        @Option(name: .customLong("project"), help: ArgumentHelp("Only this project (repeatable).", valueName: "CODE"))
        var projects: [String] = []
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard let date = Dates.parse(on) else { throw ValidationError("--on \"\(on)\" is not a date: expected yyyy-MM-dd or dd/MM/yyyy") }
            if let problem = SupportedRange.problem(date: date) { throw ValidationError("--on: \(problem)") }
            if NormalizedText.normalize(ref).isEmpty { throw ValidationError("--ref: give the decision's number (số quyết định)") }
            if NormalizedText.normalize(to).isEmpty { throw ValidationError("--to: give the new investor's name") }
        }

        func run() throws {
            guard let date = Dates.parse(on) else { throw ValidationError("--on \"\(on)\" is not a date") }
            let store = try database.open()
            let from = try CheckService.matchInvestor(from, among: try store.investorNames())
            let request = SuccessionRequest(from: from, to: InvestorID(to), effectiveOn: date,
                                            decisionRef: NormalizedText.normalize(ref), projectCodes: projects)
            let outcome: SuccessionOutcome
            do {
                outcome = try store.addSuccessions([request])
            } catch let problem as SuccessionProblem {
                throw CommandError("succession refused, nothing written: \(problem)", isAboutUsage: false)
            }
            for s in outcome.added { print("\(s.projectCode): \(s.from) → \(s.to) from \(s.effectiveOn) (\(s.decisionRef))") }
            if outcome.added.isEmpty {
                print("already recorded: \(outcome.present.count) project\(outcome.present.count == 1 ? "" : "s"); nothing new")
            } else {
                print("recorded \(outcome.added.count) project\(outcome.added.count == 1 ? "" : "s")"
                    + (outcome.present.isEmpty ? "" : ", \(outcome.present.count) already recorded"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the recorded successions, by date and project.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "JSON lines: one object per project and date.") var json = false

        func run() throws {
            let list = try database.openForReading().successions()
            if list.isEmpty && !json { print("no successions recorded (giaingan succession add …)"); return }
            for s in list {
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    let object = ["project_code": s.projectCode, "from_investor": s.from.name, "to_investor": s.to.name,
                                  "effective_on": "\(s.effectiveOn)", "decision_ref": s.decisionRef]
                    writeStdout(String(decoding: try encoder.encode(object), as: UTF8.self) + "\n")
                } else {
                    print("\(s.effectiveOn)  \(s.projectCode)  \(s.from) → \(s.to)  \(s.decisionRef)")
                }
            }
        }
    }
}
