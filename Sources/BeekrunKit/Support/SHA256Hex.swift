import Crypto
import Foundation

/// SHA-256 as lower-case hex: backup files, migration files and runbooks are identified by it.
enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }
    static func of(_ data: Data) -> String { hex(SHA256.hash(data: data)) }
    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
