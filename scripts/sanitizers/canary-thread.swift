// Positive control for scripts/sanitize.sh thread: an unsynchronized counter written from two
// threads. ThreadSanitizer must report it, or the suite's "no report" means nothing.
import Foundation

final class Box: @unchecked Sendable { var value = 0 }
let box = Box()
let threads = (0..<2).map { _ in Thread { for _ in 0..<10_000 { box.value += 1 } } }
threads.forEach { $0.start() }
Thread.sleep(forTimeInterval: 0.5)
print("counter \(box.value)")
