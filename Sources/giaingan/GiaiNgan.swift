import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport

/// `giaingan`: public-investment disbursement monitoring.
struct GiaiNgan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "giaingan",
        abstract: "Monitor public-investment disbursement (giải ngân vốn đầu tư công) against the province's checkpoints.",
        discussion: """
        Import the State Treasury ledger and the capital plan into a local SQLite database, then check \
        every project, investor (chủ đầu tư), class and the province against the quarterly thresholds, \
        with early warnings before a checkpoint is missed.

        First time? Run `giaingan demo`. Typical week:
          giaingan import projects projects.csv
          giaingan import plan plan.csv
          giaingan import disbursements kbnn-export.csv
          giaingan check --as-of 2023-09-15
        The database is ./giaingan.sqlite unless --db PATH or GIAINGAN_DB says otherwise. \
        Exit status: 0 fine, 1 a warning at or above --fail-on, 2 bad usage or bad input.
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Import.self, Check.self, Investors.self, Report.self, Form.self, Weekly.self, BacktestCommand.self, TransfersCommand.self, Serve.self, Users.self, Rules.self, Imports.self, SuccessionCommand.self, Merge.self, Contacts.self]
    )
}

@main
enum Main {
    static func main() async {
        do {
            var command = try GiaiNgan.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = GiaiNgan.exitCode(for: error)
            if code == .success { GiaiNgan.exit(withError: error) }
            let message = GiaiNgan.message(for: error)
            FileHandle.standardError.write(Data(("giaingan: " + Format.terminalSafe(message) + "\n").utf8))
            let isUsage = (error as? CommandError)?.isAboutUsage ?? ("\(type(of: error))".contains("ParserError") || code == .validationFailure)
            if isUsage {
                FileHandle.standardError.write(Data("Run `giaingan --help` or `giaingan <command> --help` for usage.\n".utf8))
            }
            exit(2)
        }
    }
}

/// An error of a command, already worded for the user.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    /// Whether `--help` can help: not when the command was right and a file it read was wrong.
    let isAboutUsage: Bool
    init(_ d: String, isAboutUsage: Bool = true) {
        description = d
        self.isAboutUsage = isAboutUsage
    }
}
