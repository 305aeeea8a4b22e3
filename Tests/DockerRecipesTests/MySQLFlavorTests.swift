@testable import DockerRecipes
import XCTest

final class MySQLFlavorTests: XCTestCase {
    func testServerVersionToleratesSuffixes() {
        XCTAssertEqual(ServerVersion("5.7.44-log"), ServerVersion(5, 7, 44))
        XCTAssertEqual(ServerVersion("8.0.21"), ServerVersion(8, 0, 21))
        XCTAssertEqual(ServerVersion("10.11.6-MariaDB-0+deb12u1"), ServerVersion(10, 11, 6))
        XCTAssertEqual(ServerVersion("11.4.2-MariaDB-ubu2404"), ServerVersion(11, 4, 2))
        XCTAssertEqual(ServerVersion("5.5.5-10.11.6-MariaDB"), ServerVersion(10, 11, 6))
        XCTAssertEqual(ServerVersion("8.0.36-28"), ServerVersion(8, 0, 36))
        XCTAssertEqual(ServerVersion(" 9.1 "), ServerVersion(9, 1, 0))
        XCTAssertNil(ServerVersion("MySQL"))
        XCTAssertNil(ServerVersion("8"))
        XCTAssertNil(ServerVersion(""))
        XCTAssertLessThan(ServerVersion(8, 0, 9), ServerVersion(8, 0, 22))
        XCTAssertLessThan(ServerVersion(8, 0, 99), ServerVersion(8, 1, 0))
        XCTAssertEqual(ServerVersion(8, 0, 23).description, "8.0.23")
    }

    func testDetectsEachFlavourFromVersionAndComment() {
        XCTAssertEqual(MySQLFlavor.detect(version: "5.7.44-log", comment: "MySQL Community Server (GPL)"),
                       .mysql57(ServerVersion(5, 7, 44)))
        XCTAssertEqual(MySQLFlavor.detect(version: "8.0.21", comment: "MySQL Community Server - GPL"),
                       .mysql80Legacy(ServerVersion(8, 0, 21)))
        XCTAssertEqual(MySQLFlavor.detect(version: "8.0.22"), .mysql80(ServerVersion(8, 0, 22)))
        XCTAssertEqual(MySQLFlavor.detect(version: "8.0.23"), .mysql80(ServerVersion(8, 0, 23)))
        XCTAssertEqual(MySQLFlavor.detect(version: "8.1.0"), .mysql84(ServerVersion(8, 1, 0)))
        XCTAssertEqual(MySQLFlavor.detect(version: "8.4.3", comment: "MySQL Community Server - GPL"),
                       .mysql84(ServerVersion(8, 4, 3)))
        XCTAssertEqual(MySQLFlavor.detect(version: "9.1.0"), .mysql84(ServerVersion(9, 1, 0)))
        XCTAssertEqual(MySQLFlavor.detect(version: "10.11.6-MariaDB-0+deb12u1", comment: "Debian 12"),
                       .mariadb(ServerVersion(10, 11, 6)))
        XCTAssertEqual(MySQLFlavor.detect(version: "11.4.2-MariaDB-ubu2404", comment: "mariadb.org binary distribution"),
                       .mariadb(ServerVersion(11, 4, 2)))
        // The comment alone can reveal MariaDB.
        XCTAssertEqual(MySQLFlavor.detect(version: "10.6.16", comment: "mariadb.org binary distribution"),
                       .mariadb(ServerVersion(10, 6, 16)))
        XCTAssertNil(MySQLFlavor.detect(version: "5.6.51-log"))
        XCTAssertNil(MySQLFlavor.detect(version: "10.1.48-MariaDB"))
        XCTAssertNil(MySQLFlavor.detect(version: "garbage"))
    }

    func testCapabilitiesFollowTheExactVersionBoundaries() {
        let v5721 = MySQLFlavor.detect(version: "5.7.44")!
        let v8021 = MySQLFlavor.detect(version: "8.0.21")!
        let v8022 = MySQLFlavor.detect(version: "8.0.22")!
        let v8023 = MySQLFlavor.detect(version: "8.0.23")!
        let v8026 = MySQLFlavor.detect(version: "8.0.26")!
        let v81 = MySQLFlavor.detect(version: "8.1.0")!
        let v82 = MySQLFlavor.detect(version: "8.2.0")!
        let maria = MySQLFlavor.detect(version: "10.11.6-MariaDB")!

        XCTAssertEqual([v5721, v8021, v8022, v8023, v81, maria].map(\.usesReplicaStatements),
                       [false, false, true, true, true, false])
        XCTAssertEqual([v5721, v8021, v8022, v8023, v81, maria].map(\.usesChangeReplicationSource),
                       [false, false, false, true, true, false])
        XCTAssertEqual([v8023, v8026, v81].map(\.usesReplicaOptionNames), [false, true, true])
        XCTAssertEqual([v8026, v81, v82, maria].map(\.usesBinaryLogStatus), [false, false, true, false])
        XCTAssertEqual([v5721, v8021, v8023, v82, maria].map(\.needsSourcePublicKey), [false, true, true, true, false])
        XCTAssertEqual([v5721, v8021, v82, maria].map(\.usesBinlogExpireSeconds), [false, true, true, false])
        XCTAssertEqual(v8022.version, ServerVersion(8, 0, 22))
        XCTAssertTrue(maria.isMariaDB)
        XCTAssertFalse(v82.isMariaDB)
        XCTAssertEqual(MySQLFlavor.detectionQuery, "SELECT VERSION(), @@version_comment")
    }
}
