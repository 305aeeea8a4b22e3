// Why scripts/sanitizers/tsan.supp suppresses the ByteStream hand-over report: this program, which
// has no race (a CheckedContinuation resumed from another thread orders everything before the
// resume before everything the resumed task does), gets "ThreadSanitizer: data race" on the
// object it hands over, with Swift 6.3.1 on Linux:
//
//   swiftc -parse-as-library -sanitize=thread -g -o /tmp/handoff scripts/sanitizers/continuation-handoff.swift && /tmp/handoff
//
// (seen 2026-12-01: 1 report in 2,000 hand-overs; the runtime's synchronisation is not visible to
// TSan on one of its paths; compare swiftlang/swift#57803 and #59068). DockerSDK's transport does
// exactly this: the event-loop thread creates a stream's ByteStream and resumes the caller with it.
import Foundation
final class Owner: @unchecked Sendable { let value: Int; init(_ v: Int) { value = v } }
struct Box: Sendable { let owner: Owner }
@main struct Main {
    static func main() async {
        var sum = 0
        for i in 0..<2000 {
            let box: Box = await withCheckedContinuation { (c: CheckedContinuation<Box, Never>) in
                let t = Thread { c.resume(returning: Box(owner: Owner(i))) }
                t.start()
            }
            sum += box.owner.value
        }
        print("sum \(sum)")
    }
}
