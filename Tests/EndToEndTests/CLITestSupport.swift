import Foundation
import XCTest

/// Runs the built `giaingan` binary as a user would.
enum CLI {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized.path
    static var fixtures: String { repository + "/fixtures" }
    static var province: String { fixtures + "/province" }

    static var binary: String {
        let candidates = [Bundle.main.bundleURL.appendingPathComponent("giaingan").path,
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("giaingan").path,
                          repository + "/.build/debug/giaingan"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], cwd: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "GIAINGAN_DB")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        // Output goes to files, so a large report can never block on a full pipe.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-cli-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
    }
}

final class TempDir {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-e2e-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        try! Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// A database holding the bundled province, imported once through the CLI for all tests.
enum ProvinceDatabase {
    nonisolated(unsafe) static var made: String?
    static let lock = NSLock()

    static func path() throws -> String {
        lock.lock(); defer { lock.unlock() }
        if let made { return made }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-e2e-province-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let db = dir + "/province.sqlite"
        let p = CLI.province
        for (kind, files) in [("projects", ["projects.csv"]), ("plan", ["plan.csv"]),
                              ("disbursements", ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"])] {
            let r = try CLI.run(["import", kind] + files.map { p + "/" + $0 } + ["--db", db])
            guard r.status == 0 else { throw NSError(domain: "import failed: \(r.stderr)", code: Int(r.status)) }
        }
        made = db
        return db
    }
}
