import Foundation
import XCTest
import GiaiNganCore
import GiaiNganImport
@testable import GiaiNganStore

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures").standardized.path
    static var province: String { root + "/province" }
    static var ledgers: [String] {
        ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"].map { province + "/" + $0 }
    }
}

func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

/// A temporary folder removed at the end of the test.
final class TempDir {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        try! Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    func store() throws -> Store { try Store(path: path + "/test.sqlite") }
}

extension TempDir {
    /// The bundled province imported into `store()` and read by `before`; then `undo` (SQL that
    /// puts back the schema from before a migration and deletes that migration's row) runs on it,
    /// and the store is closed, so that the next `store()` runs the migration again.
    func provinceBeforeMigration<T>(undo: String, reading before: (Store) throws -> T) throws -> T {
        let store = try self.store()
        try store.importProvince()
        let read = try before(store)
        try store.write { db in try db.execute(sql: undo) }
        return read
    }
}

extension Store {
    /// Imports the bundled province.
    func importProvince() throws {
        let today = d("2024-02-15")
        _ = try importFiles(kind: .projects, paths: [Fixtures.province + "/projects.csv"], today: today)
        _ = try importFiles(kind: .plan, paths: [Fixtures.province + "/plan.csv"], today: today)
        _ = try importFiles(kind: .disbursements, paths: Fixtures.ledgers, today: today)
    }

    func count(_ table: String) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)")! }
    }
}
