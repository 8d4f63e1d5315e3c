import Foundation
import XCTest
@testable import GiaiNganImport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11, item 16: a file is checked on the descriptor it was opened with, and every later
/// read reads that descriptor's file, not what its name points to by then.
final class PinnedFileTests: XCTestCase {
    func test_aNameSwappedForALinkAfterTheOpenStillReadsTheCheckedFile() throws {
        let files = TestFiles()
        let inside = files.write("inbox-ledger.csv", "txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\nT1,P1,2023,current,NSTW,2023-01-05,payment,100,x\n")
        let outside = files.write("secret.csv", "txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\nT9,P9,2023,current,NSTW,2023-01-05,payment,999999,x\n")
        let pin = try PinnedFile.open(inside, followLinks: false)
        // The race: the name becomes a link to a file outside the inbox after the check.
        XCTAssertEqual(unlink(inside), 0)
        XCTAssertEqual(symlink(outside, inside), 0)
        let rows = try PinnedFile.withPinned([pin]) { () -> [String] in
            let reader = try TableReader(path: inside, kind: .disbursements)
            var codes: [String] = []
            while let row = try reader.nextLedgerEntry() { codes.append(row.value?.projectCode ?? "?") }
            return codes
        }
        XCTAssertEqual(rows, ["P1"], "the checked file was read, not the link's target")
        // Without the pin, the name now reads the other file: the pin is what protects.
        XCTAssertEqual(PinnedFile.readPath(inside), inside)
    }

    func test_aSymbolicLinkIsRefusedAtTheOpenWhenLinksAreNotAllowed_followedOtherwise() throws {
        let files = TestFiles()
        let target = files.write("real.csv", "a\n")
        let link = files.directory.path + "/link.csv"
        XCTAssertEqual(symlink(target, link), 0)
        XCTAssertThrowsError(try PinnedFile.open(link, followLinks: false)) { error in
            XCTAssertTrue((error as? PinnedFile.Refusal)?.isSymbolicLink == true, "\(error)")
        }
        XCTAssertNoThrow(try PinnedFile.open(link, followLinks: true))
    }

    func test_onlyRegularFilesArePinned() throws {
        let files = TestFiles()
        let fifo = files.directory.path + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for (path, noun) in [(fifo, "a named pipe (FIFO)"), ("/dev/null", "a character device"), (files.directory.path, "a folder")] {
            XCTAssertThrowsError(try PinnedFile.open(path, followLinks: true)) { error in
                XCTAssertTrue("\(error)".contains("is \(noun), not a regular file"), "\(error)")
            }
        }
        XCTAssertThrowsError(try PinnedFile.open(files.directory.path + "/missing.csv", followLinks: true)) { error in
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
    }
}
