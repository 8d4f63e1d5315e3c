import Foundation
import XCTest

/// Issue 11, items 17–20, 23 and 24: the database file as the system sees it (links, read-only
/// mounts, damage, an empty file, a full disk) and what a terminal is sent.
final class StoreFileSafetyTests: XCTestCase {
    /// The bundled province imported into a new database in `scratch`.
    func province(_ scratch: Scratch, name: String = "db.sqlite") throws -> String {
        let db = scratch.path + "/" + name
        for (kind, files) in [("projects", ["projects.csv"]), ("plan", ["plan.csv"]),
                              ("disbursements", ["disbursements-2023-h1.csv"])] {
            let r = try CLI.run(["import", kind] + files.map { Repository.province + "/" + $0 } + ["--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return db
    }

    /// Runs `body` with `folder` visible read-only at another path (a bind mount); skips where the
    /// test may not mount (not root, or in a container that forbids it).
    func withReadOnlyView(of folder: String, _ body: (String) throws -> Void) throws {
        let view = folder + "-ro"
        try FileManager.default.createDirectory(atPath: view, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: view) }
        guard Shell.run("mount", ["--bind", folder, view]) == 0 else { throw XCTSkip("cannot bind-mount here (needs root)") }
        defer { _ = Shell.run("umount", [view]) }
        guard Shell.run("mount", ["-o", "remount,ro,bind", view]) == 0 else { throw XCTSkip("cannot remount read-only here") }
        try body(view)
    }

    // MARK: - Item 18: readers on a read-only file system

    func test_readersWorkOnAReadOnlyFileSystem_writersSaySoClearly() throws {
        let scratch = Scratch()
        _ = try province(scratch)
        try withReadOnlyView(of: scratch.path) { view in
            let db = view + "/db.sqlite"
            for arguments in [["check", "--as-of", "2023-05-01", "--fail-on", "never"],
                              ["check", "--as-of", "2023-05-01", "--format", "json", "--fail-on", "never"],
                              ["investors", "--as-of", "2023-05-01"], ["imports"]] {
                let r = try CLI.run(arguments + ["--db", db])
                XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
                XCTAssertFalse(r.stdout.isEmpty)
            }
            let p = scratch.file("new-projects.csv", "project_code,project_name,investor\nZ1,Dự án mới,Ban mới\n")
            let write = try CLI.run(["import", "projects", p, "--db", db])
            XCTAssertEqual(write.status, 2)
            XCTAssertTrue(write.stderr.contains("for writing") && write.stderr.contains("readonly"), write.stderr)
        }
    }

    // MARK: - Item 19: damage and empty files

    func test_aWriterRefusesADamagedDatabase_andWritesNothing() throws {
        let scratch = Scratch()
        let db = try province(scratch)
        // Move everything into the main file, then overwrite the header of a page in the middle.
        XCTAssertEqual(Shell.run("sqlite3", [db, "PRAGMA wal_checkpoint(TRUNCATE)"]), 0)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: db))
        try handle.seek(toOffset: 10 * 65_536)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 64))
        try handle.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let p = scratch.file("more.csv", "project_code,project_name,investor\nZ1,Dự án mới,Ban mới\n")
        let r = try CLI.run(["import", "projects", p, "--db", db])
        XCTAssertFalse(r.crashed)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("is damaged") && r.stderr.contains("nothing was written"), r.stderr)
        XCTAssertTrue(r.stderr.contains(".recover"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "the file is untouched")
        let weekly = try CLI.run(["weekly", "--db", db, "--inbox", scratch.folder("inbox"), "--out", scratch.path + "/out",
                                  "--as-of", "2023-05-01"])
        XCTAssertEqual(weekly.status, 2, weekly.stderr)
        XCTAssertTrue(weekly.stderr.contains("is damaged"), weekly.stderr)
    }

    func test_anEmptyFileAtTheDatabasePathIsAnError_notANewDatabase() throws {
        let scratch = Scratch()
        let db = scratch.file("db.sqlite", "")
        let p = scratch.file("p.csv", "project_code,project_name,investor\nZ1,Dự án mới,Ban mới\n")
        for arguments in [["import", "projects", p], ["check", "--as-of", "2023-05-01"], ["imports"]] {
            let r = try CLI.run(arguments + ["--db", db])
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("is an empty file (0 bytes)"), "\(arguments): \(r.stderr)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: db)
        XCTAssertEqual(attributes[.size] as? Int, 0, "still empty")
        // Where no file is, a new database is made as before.
        let fresh = try CLI.run(["import", "projects", p, "--db", scratch.path + "/new.sqlite"])
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
    }

    // MARK: - Item 17: one lock per real file

    func test_weeklyRunsThroughALinkedPathShareTheLockOfTheRealFile() throws {
        let scratch = Scratch()
        let db = try province(scratch)
        let fileLink = scratch.path + "/link.sqlite", folderLink = scratch.path + "/folder-link"
        try FileManager.default.createSymbolicLink(atPath: fileLink, withDestinationPath: db)
        try FileManager.default.createSymbolicLink(atPath: folderLink, withDestinationPath: scratch.path)
        // Hold the weekly lock as a run on the real path does.
        let fd = open(db + ".weekly.lock", O_CREAT | O_RDWR, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        defer { flock(fd, LOCK_UN); close(fd) }
        for path in [fileLink, folderLink + "/db.sqlite", scratch.path + "/./db.sqlite"] {
            let r = try CLI.run(["weekly", "--db", path, "--inbox", scratch.folder("inbox"), "--out", scratch.path + "/out",
                                 "--as-of", "2023-05-01"])
            XCTAssertEqual(r.status, 2, "\(path): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("another weekly run is using this database"), "\(path): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path + "/out/2023-05-01"))
    }

    // MARK: - Item 20: terminal escapes

    func test_terminalEscapesInNamesArePrintedEscaped() throws {
        let scratch = Scratch()
        let db = scratch.path + "/db.sqlite"
        let esc = "\u{1B}"
        let projects = scratch.file("p.csv", "project_code,project_name,investor\n"
            + "E1,\"Cầu \(esc)[2J xoá màn hình\",\"Ban \(esc)]0;pwned\u{07} QLDA\"\n")
        let plan = scratch.file("plan.csv", "project_code,plan_year,class,amount_vnd,effective_on\nE1,2023,transitional,1000000000,2023-01-05\n")
        XCTAssertEqual(try CLI.run(["import", "projects", projects, "--db", db]).status, 0)
        XCTAssertEqual(try CLI.run(["import", "plan", plan, "--db", db]).status, 0)
        for arguments in [["check", "--as-of", "2023-05-01", "--fail-on", "never"], ["investors", "--as-of", "2023-05-01"],
                          ["check", "--as-of", "2023-05-01", "--investor", "Ban"]] {
            let r = try CLI.run(arguments + ["--db", db])
            XCTAssertFalse(r.stdout.contains(esc) || r.stderr.contains(esc), "\(arguments) prints ESC raw")
            XCTAssertFalse(r.stdout.contains("\u{07}") || r.stderr.contains("\u{07}"), "\(arguments) prints BEL raw")
            XCTAssertTrue(r.stdout.contains("\\u{1B}") || r.stderr.contains("\\u{1B}"), "\(arguments): \(r.stdout)\(r.stderr)")
        }
        // JSON keeps the name exactly (escaped by JSON's own rules).
        let json = try CLI.run(["check", "--db", db, "--as-of", "2023-05-01", "--format", "json", "--fail-on", "never"])
        XCTAssertTrue(json.stdout.contains("Ban \\u001b]0;pwned\\u0007 QLDA"), json.stdout)
    }

    // MARK: - Item 23: a full disk during the weekly run

    func test_aFullDiskDuringTheWeeklyRunSaysSoAndPublishesNothing() throws {
        let scratch = Scratch()
        let db = try province(scratch)
        let out = scratch.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        guard Shell.run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", out]) == 0 else {
            throw XCTSkip("cannot mount a small tmpfs here (needs root)")
        }
        defer { _ = Shell.run("umount", [out]) }
        let r = try CLI.run(["weekly", "--db", db, "--inbox", scratch.folder("inbox"), "--out", out, "--as-of", "2023-05-01"])
        XCTAssertFalse(r.crashed)
        XCTAssertEqual(r.status, 2, r.stdout)
        XCTAssertTrue(r.stderr.contains("the disk is full at \(out): nothing was published"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "no folder, no staging left")
        XCTAssertEqual(try DatabaseContent.count(db, "run"), 0, "no run stored")
    }

    // MARK: - Item 24: the demo leaves a database when asked, and says how

    func test_theDemoSaysHowToContinue_andKeepsItsDatabaseWhenAsked() throws {
        let scratch = Scratch()
        let plain = try CLI.run(["demo"], cwd: scratch.path)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stdout.contains("giaingan demo --keep demo.sqlite"), plain.stdout)
        let kept = try CLI.run(["demo", "--keep", "demo.sqlite"], cwd: scratch.path)
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertTrue(kept.stderr.contains("giaingan check --db demo.sqlite --as-of 2023-09-15"), kept.stderr)
        let next = try CLI.run(["check", "--db", "demo.sqlite", "--as-of", "2023-09-15", "--fail-on", "never"], cwd: scratch.path)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stdout.contains("1.005.196.000.000"), next.stdout)
        // Again: the same files add nothing.
        let again = try CLI.run(["demo", "--keep", "demo.sqlite"], cwd: scratch.path)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("already imported"), again.stderr)
    }
}

/// Runs a system program and returns its exit status (output discarded).
enum Shell {
    static func run(_ program: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
