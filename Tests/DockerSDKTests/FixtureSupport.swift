import DockerSDK
import Foundation
import XCTest

/// Where the repository's Fixtures/ folder is.
let fixturesDirectory: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path
}()

/// Whether tests record fixtures from the live daemon instead of replaying them.
let recordingFixtures = ProcessInfo.processInfo.environment["DOCKERSDK_RECORD"] == "1"

extension XCTestCase {
    /// A fixture session for `scenario`: a replay normally, a recording with DOCKERSDK_RECORD=1.
    func fixture(_ scenario: String, apiVersion: String = "1.41", secrets: [String] = [],
                 chunkSize: Int = 1024) throws -> FixtureSession {
        try FixtureSession(scenario: scenario, apiVersion: apiVersion, directory: fixturesDirectory,
                           record: recordingFixtures && apiVersion == "1.41", secrets: secrets, chunkSize: chunkSize)
    }
}
