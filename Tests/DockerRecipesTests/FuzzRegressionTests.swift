@testable import DockerRecipes
import XCTest

/// Inputs the fuzzers (fuzz/, scripts/fuzz.sh) found, reduced to what triggers each bug.
final class RecipeFuzzRegressionTests: XCTestCase {
    /// FuzzReplicaStatus, crash-ca7fe6f9: a batch line with more tab-separated fields than the header
    /// gave a row longer than the columns, whose extra values no record could reach. The extra fields
    /// now stay in the last column, tabs included (what `--raw` prints for a value with a tab).
    func testBatchRowsWithMoreFieldsThanColumnsKeepThemInTheLastColumn() {
        for raw in [false, true] {
            let table = SQLResultTable.parseBatch("line one\tcomment\nx\ty\tz\n", raw: raw)
            XCTAssertEqual(table.columns, ["line one", "comment"])
            XCTAssertEqual(table.rows, [["x", "y\tz"]])
            XCTAssertEqual(table.records.first?["comment"], "y\tz")
        }
        let one = SQLResultTable.parse("line one\nline two\tmore\tNULL\n")
        XCTAssertEqual(one.rows, [["line two\tmore\tNULL"]])
        XCTAssertTrue(one.rows.allSatisfy { $0.count == one.columns.count })
    }
}
