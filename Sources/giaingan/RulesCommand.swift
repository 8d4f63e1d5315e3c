import ArgumentParser
import Foundation
import GiaiNganCore
import GiaiNganRules

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or validate a rule set.",
        subcommands: [Show.self, Validate.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a rule set as TOML: the built-in Cà Mau 2023 rules, or FILE.",
            discussion: "Start a rules file for another year or province from this output: giaingan rules show > rules-2024.toml")

        @Argument(help: ArgumentHelp("A rules file; without it, the built-in rules.", valueName: "FILE"))
        var file: String?

        @Option(help: ArgumentHelp("Show the built-in thresholds applied to this plan year.", valueName: "YYYY"))
        var year: Int?

        func validate() throws {
            if let year, let problem = SupportedRange.problem(planYear: year) { throw ValidationError("--year: \(problem)") }
        }

        func run() throws {
            let rules = try file.map(RulesFile.load) ?? RuleSet.footnote4(planYear: year ?? 2023)
            print(RulesFile.render(rules), terminator: "")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a rules file; every problem is named by its key.")

        @Argument(help: ArgumentHelp("The rules file (TOML).", valueName: "FILE"))
        var file: String

        func run() throws {
            do {
                let r = try RulesFile.load(path: file)
                print("\(file): valid — \(r.name), plan year \(r.planYear), checkpoints \(r.checkpoints.map(\.name).joined(separator: ", ")), annual goal \(r.annualGoal)")
            } catch let p as RulesFile.Problem {
                throw CommandError(p.description, isAboutUsage: false)
            }
        }
    }
}
