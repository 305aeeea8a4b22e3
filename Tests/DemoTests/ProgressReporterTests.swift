@testable import dockersdk_demo
import ConsoleKitTerminal
import DockerSDK
import Foundation
import Synchronization
import XCTest

/// The demo's progress display without a terminal: aggregation of pull/push/import events into plain
/// lines, and the frames drawn for ConsoleKit.
final class ProgressReporterTests: XCTestCase {
    /// Plain lines a reporter wrote.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    private func reporter(quiet: Bool = false) -> (ProgressReporter, Lines) {
        let lines = Lines()
        let reporter = ProgressReporter(title: "pulling redis:7", quiet: quiet,
                                        style: OutputStyle(animated: false, color: false)) { lines.append($0) }
        return (reporter, lines)
    }

    /// Events as the daemon sends them (decoded from its JSON lines).
    private func events(_ json: String...) throws -> [ProgressEvent] {
        try json.map { try JSONDecoder().decode(ProgressEvent.self, from: Data($0.utf8)) }
    }

    func testLayersAddUpAndPlainLinesComeEveryTenPercent() throws {
        let (reporter, lines) = reporter()
        for event in try events(
            #"{"status":"Pulling fs layer","progressDetail":{},"id":"a1"}"#,
            #"{"status":"Downloading","progressDetail":{"current":100,"total":1000},"id":"a1"}"#,
            #"{"status":"Downloading","progressDetail":{"current":0,"total":3000},"id":"b2"}"#,
            #"{"status":"Downloading","progressDetail":{"current":1000,"total":1000},"id":"a1"}"#,
            #"{"status":"Downloading","progressDetail":{"current":1050,"total":3000},"id":"b2"}"#,
            #"{"status":"Downloading","progressDetail":{"current":1100,"total":3000},"id":"b2"}"#,
            #"{"status":"Downloading","progressDetail":{"current":3000,"total":3000},"id":"b2"}"#
        ) {
            reporter.update(event)
        }
        reporter.finish(success: true)
        // A second layer appearing lowers the share (2 %): no line until the next 10 % step is crossed.
        XCTAssertEqual(lines.all.dropLast(), [
            "pulling redis:7: Pulling fs layer",
            "pulling redis:7: 10% 100 B of 1.0 kB",
            "pulling redis:7: 25% 1.0 kB of 4.0 kB, 2 layers",
            "pulling redis:7: 51% 2.0 kB of 4.0 kB, 2 layers",
            "pulling redis:7: 100% 4.0 kB of 4.0 kB, 2 layers",
        ])
        XCTAssertTrue(lines.all.last?.hasPrefix("pulling redis:7: done 4.0 kB of 4.0 kB, 2 layers, in ") == true,
                      "\(lines.all)")
    }

    func testUnknownTotalsReportStatusChanges() throws {
        let (reporter, lines) = reporter()
        for event in try events(
            #"{"status":"Waiting","id":"c3"}"#,
            #"{"status":"Waiting","id":"c3"}"#,
            #"{"status":"Verifying Checksum","id":"c3"}"#
        ) {
            reporter.update(event)
        }
        reporter.finish(success: false)
        XCTAssertEqual(lines.all.dropLast(), ["pulling redis:7: Waiting", "pulling redis:7: Verifying Checksum"])
        XCTAssertTrue(lines.all.last?.hasPrefix("pulling redis:7: failed in ") == true, "\(lines.all)")
    }

    func testQuietShowsNothing() throws {
        let (reporter, lines) = reporter(quiet: true)
        reporter.update(id: "upload", current: 10, total: 100, status: "uploading")
        reporter.finish(success: true)
        XCTAssertEqual(lines.all, [])
    }

    func testFramesDrawABarWithPercentageAndNumbersAndColourOnlyWhenAllowed() {
        let console = CapturingConsole()
        let half = TransferActivity(title: "importing x", color: true, current: 500_000, total: 1_000_000,
                                    bytesPerSecond: 250_000)
        half.outputActivityIndicator(to: console, state: .active(tick: 1))
        let frame = console.texts.last?.description ?? ""
        XCTAssertTrue(frame.hasPrefix("importing x ["), frame)
        XCTAssertTrue(frame.contains("]  50% 500.0 kB of 1.0 MB, 250.0 kB/s, 2 s left"), frame)
        XCTAssertTrue(console.texts.last?.fragments.contains { $0.style.color != nil } == true, "coloured")

        var plain = half
        plain.color = false
        plain.outputActivityIndicator(to: console, state: .success)
        XCTAssertTrue(console.texts.last?.fragments.allSatisfy { $0.style.color == nil } == true, "NO_COLOR: no colour")
        XCTAssertTrue(console.texts.last?.description.hasPrefix("importing x done") == true)

        let unknown = TransferActivity(title: "importing y", color: false, status: "Importing", current: 2_000_000)
        unknown.outputActivityIndicator(to: console, state: .active(tick: 3))
        XCTAssertEqual(console.texts.last?.description, "importing y ⠸ Importing 2.0 MB")
    }

    func testFramesNeverWrapTheTerminalLine() {
        let console = CapturingConsole(width: 50)
        TransferActivity(title: String(repeating: "t", count: 45), color: false, current: 1, total: 2)
            .outputActivityIndicator(to: console, state: .active(tick: 0))
        XCTAssertEqual(console.texts.last?.description.count, 49)
    }
}

/// A ConsoleKit console that keeps what it is given.
final class CapturingConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [ConsoleText] = []
    private var info: [AnySendableHashable: any Sendable] = [:]
    private let width: Int

    init(width: Int = 120) {
        self.width = width
    }

    var texts: [ConsoleText] { lock.withLock { captured } }
    var size: (width: Int, height: Int) { (width, 40) }
    var userInfo: [AnySendableHashable: any Sendable] {
        get { lock.withLock { info } }
        set { lock.withLock { info = newValue } }
    }

    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { lock.withLock { captured.append(text) } }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) {}
}
