import GRDB
import GRDBSQLite

/// The current row of a statement stepped through SQLite's C API.
///
/// A check reads tens of thousands of registry and plan rows; making a GRDB `Row` for each and
/// converting its values one by one cost several times what SQLite took to find them. Columns
/// are read by index, as the statement's SQL lists them.
struct RawRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    /// The column's text as UTF-8 bytes, valid until the next step; empty for NULL.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        // sqlite3_column_text first, then sqlite3_column_bytes: the order SQLite documents.
        let text = sqlite3_column_text(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        guard let text, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: count)
    }

    /// The column's text ("" for NULL); bytes that are not UTF-8 become U+FFFD, as GRDB does.
    func string(_ column: Int32) -> String { String(decoding: bytes(column), as: UTF8.self) }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
}

extension Database {
    /// Runs `sql` with `arguments` and calls `body` with each row, through SQLite's C API.
    func forEachRawRow(_ sql: String, arguments: StatementArguments = [], _ body: (RawRow) throws -> Void) throws {
        let statement = try makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer { sqlite3_reset(s) }
        let row = RawRow(statement: s)
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqliteConnection)),
                                    sql: sql)
            }
            try body(row)
        }
    }
}
