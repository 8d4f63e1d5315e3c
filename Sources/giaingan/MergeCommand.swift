import ArgumentParser
import Foundation
import GiaiNganStore

/// `giaingan merge`: bring another (former) province's database into this one.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring another province's database into this one (the 2025 merger of provinces), in one transaction.",
        discussion: """
        Projects, plan lines, envelope lines, the treasury ledger, the import history, portal accounts and \
        successions of OTHER are added to --db. A project code, txn_id, account or succession present in both \
        with different content is a conflict: every one is listed, nothing is written, and the exit status is 2. \
        Merging the same database again adds nothing. The projects brought in are marked with their former \
        province (--former-province, default: OTHER's file name without .sqlite), which `check` breaks the \
        year down by. Stored check runs stay in OTHER (README "Reorganisation" says why).

        Example:
          giaingan merge bac-lieu.sqlite --db ca-mau.sqlite --former-province "Bạc Liêu"
        """)

    @Argument(help: ArgumentHelp("The other province's GiaiNgan database.", valueName: "OTHER.sqlite"))
    var other: String

    @Option(name: .customLong("former-province"), help: ArgumentHelp("The name reports give the projects brought in.", valueName: "NAME"))
    var formerProvince: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: other) else { throw ValidationError("cannot read \(other): no such file or no permission") }
        if let formerProvince, formerProvince.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--former-province: give the former province's name")
        }
    }

    func run() throws {
        let name = formerProvince.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? URL(fileURLWithPath: other).deletingPathExtension().lastPathComponent
        let store = try database.open()
        let s: MergeSummary
        do {
            s = try store.merge(from: other, formerProvince: name)
        } catch let refused as MergeConflicts {
            throw CommandError(refused.description, isAboutUsage: false)
        }
        if s.isNothingNew {
            print("\(other): nothing new (everything in it is already in \(database.path))")
            return
        }
        print("\(other) merged as former province \(s.formerProvince): \(s.projects) projects, \(s.planLines) plan lines, "
            + "\(s.envelopeLines) envelope lines, \(s.ledgerEntries) ledger entries, \(s.imports) imports, \(s.investors) investors, "
            + "\(s.accounts) accounts, \(s.successions) successions, \(s.districts) district renames")
        if s.runsLeft > 0 { print("  note: its \(s.runsLeft) stored check runs stay in \(other): they are that province's alone") }
    }
}
