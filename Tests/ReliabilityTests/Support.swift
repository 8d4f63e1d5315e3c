import Foundation
import GRDB
import XCTest

/// Paths of this checkout.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized.path
    static var fixtures: String { root + "/fixtures" }
    static var bad: String { fixtures + "/bad" }
    static var province: String { fixtures + "/province" }
}

/// Runs the built `giaingan` binary as a user would, and tells a crash from an exit.
enum CLI {
    static var binary: String {
        let candidates = [Bundle.main.bundleURL.appendingPathComponent("giaingan").path,
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("giaingan").path,
                          Repository.root + "/.build/debug/giaingan"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    struct Result {
        var status: Int32
        /// True when the process died of a signal (a crash, a trap) instead of exiting.
        var crashed: Bool
        var stdout: String
        var stderr: String
    }

    /// A started process whose output goes to files, so that a large report never blocks on a pipe.
    final class Running {
        let process = Process()
        let out: URL, err: URL

        init(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws {
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            env.removeValue(forKey: "GIAINGAN_DB")
            env.removeValue(forKey: "GIAINGAN_BUSY_TIMEOUT")
            for (key, value) in environment { env[key] = value }
            process.environment = env
            if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-rel-\(UUID().uuidString)")
            out = base.appendingPathExtension("out")
            err = base.appendingPathExtension("err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        func wait() throws -> Result {
            process.waitUntilExit()
            defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
            return Result(status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal,
                          stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                          stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
        }
    }

    @discardableResult
    static func run(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try Running(arguments, cwd: cwd, environment: environment).wait()
    }
}

/// A temporary folder removed at the end of the test.
final class Scratch: Sendable {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-rel-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func file(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        try! Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    func folder(_ name: String) -> String {
        let p = path + "/" + name
        try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }
}

/// The whole content of a GiaiNgan database, read without the application's code, so that a test
/// can say "nothing was written" by comparing two of them.
enum DatabaseContent {
    /// Every table of the schema. The names are constants: no user data reaches this SQL.
    static let tables = ["investor", "project", "investor_change", "plan_line", "ledger_entry", "import", "run", "run_warning",
                         "envelope_line", "schedule_line", "succession", "district_map", "investor_contact", "run_mail",
                         "app_user"]

    /// Table → every row as text, in rowid order.
    static func rows(_ path: String) throws -> [String: [String]] {
        let db = try DatabaseQueue(path: path)
        return try db.read { db in
            var out: [String: [String]] = [:]
            for table in tables {
                out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map(\.description)
            }
            return out
        }
    }

    static func count(_ path: String, _ table: String) throws -> Int {
        precondition(tables.contains(table))
        return try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)")! }
    }

    static func integrityCheck(_ path: String) throws -> String {
        try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check")! }
    }
}

/// A deterministic random source (SplitMix64): the same seed gives the same cases on every run and
/// machine, so that a failing property names a seed that reproduces it.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
