import CLibPQ
import Foundation

/// A finished query result (text format). Owns the libpq `PGresult`.
public final class PGResult: @unchecked Sendable {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }
    deinit { PQclear(handle) }

    public var rowCount: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }
    public func columnName(_ column: Int) -> String { String(cString: PQfname(handle, Int32(column))) }
    public var columnNames: [String] { (0..<columnCount).map(columnName) }
    /// The type OID of a column, for typed conversion.
    public func columnType(_ column: Int) -> UInt32 { UInt32(PQftype(handle, Int32(column))) }

    /// The size in bytes of a value's text (0 for NULL).
    public func length(_ row: Int, _ column: Int) -> Int { Int(PQgetlength(handle, Int32(row), Int32(column))) }

    /// The value as text, nil for SQL NULL.
    public func value(_ row: Int, _ column: Int) -> String? {
        if PQgetisnull(handle, Int32(row), Int32(column)) != 0 { return nil }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        guard let bytes = PQgetvalue(handle, Int32(row), Int32(column)) else { return nil }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The value of a named column (first match), nil for NULL or a missing column.
    public func value(_ row: Int, _ name: String) -> String? {
        let index = PQfnumber(handle, "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        return index < 0 ? nil : value(row, Int(index))
    }

    /// Rows affected by INSERT/UPDATE/DELETE/COPY…, when the command reports it.
    public var affectedRows: Int? { Int(String(cString: PQcmdTuples(handle))) }
    public var commandTag: String { String(cString: PQcmdStatus(handle)) }

    /// All rows as arrays of optional text, for catalog readers.
    public var rows: [[String?]] {
        (0..<rowCount).map { r in (0..<columnCount).map { c in value(r, c) } }
    }
}

/// Well-known type OIDs used to type query results.
public enum PGType {
    public static let bool: UInt32 = 16
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let oid: UInt32 = 26
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let numeric: UInt32 = 1700
}
