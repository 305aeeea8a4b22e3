// Fuzzes the mysql client output parsers behind the replication recipe: SHOW REPLICA/SLAVE STATUS
// (vertical and batch), SHOW MASTER/BINARY LOG STATUS and the result tables. Any text gives values
// or a ReplicationOutputError.
import DockerRecipes
import Foundation
import FuzzHarness

private func typed<T>(_ what: String, _ body: () throws -> T) {
    do { _ = try body() } catch is ReplicationOutputError {
    } catch {
        fatalError("\(what): untyped error: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = Fuzz.data(bytes, size)
    let raw = data.first.map { $0 & 1 == 1 } ?? false
    let text = String(decoding: data, as: UTF8.self)
    let table = SQLResultTable.parse(text, raw: raw)
    for row in table.rows { Fuzz.require(row.count == table.columns.count, "a row with \(row.count) values for \(table.columns.count) columns") }
    _ = table.records
    let batch = SQLResultTable.parseBatch(text, raw: raw)
    for row in batch.rows { Fuzz.require(row.count == batch.columns.count, "a batch row with \(row.count) values for \(batch.columns.count) columns") }
    typed("ReplicaStatus.parseAll") {
        for status in try ReplicaStatus.parseAll(text, raw: raw) {
            _ = (status.isReplicating, status.hasError, status.readCoordinates, status.execCoordinates, status.gtid.isActive)
        }
    }
    typed("ReplicaStatus.parse") { try ReplicaStatus.parse(text, raw: raw) }
    typed("BinaryLogStatus.parse") { try BinaryLogStatus.parse(text, raw: raw)?.coordinates }
    return 0
}

Fuzz.runDriver(fuzzOne)
