// Why scripts/sanitizers/lsan.supp suppresses three reports: LeakSanitizer reports blocks that are
// alive and referenced, when Swift keeps the reference with bits of its own in it. Nothing here
// leaks (every value is a global alive until exit), yet with Swift 6.3.1 on Linux:
//
//   swiftc -sanitize=address -g -o /tmp/tagged scripts/sanitizers/tagged-pointers.swift
//   ASAN_OPTIONS=detect_leaks=1 /tmp/tagged
//
// prints "ERROR: LeakSanitizer: detected memory leaks" with three direct leaks (seen 2026-12-02):
// - 65 bytes from Data.init(repeating:count:): the __DataStorage of a 100-byte Data, whose 16 bytes
//   are its range then the storage address with the enum tag in the top byte (0x40...: printed
//   below), so the global holds no plain pointer to it;
// - 24 bytes from the `.all` box of an indirect enum (the case tag in the box pointer's spare bits);
// - 32 bytes from swift_weakAssign: the side table made when a weak reference to an object was
//   formed; once that weak reference is gone, only the object's reference count word, which keeps
//   the side table's address encoded, refers to it.
// The control, a global class instance holding a 100-byte array, is not reported.
final class Owner { let bytes = [UInt8](repeating: 7, count: 100) }
indirect enum Strategy { case log(String), port(Int), all([Strategy]) }
final class Watched { weak var owner: Owner? }
func formAndDropAWeakReference(to owner: Owner) -> Bool {
    let watched = Watched()
    watched.owner = owner
    return watched.owner != nil
}

import Foundation

var data = Data(repeating: 7, count: 100)
let strategy: Strategy = .all([.log("ready"), .port(6379)])
let control = Owner()
let watchedOnce = formAndDropAWeakReference(to: control)

withUnsafeBytes(of: &data) { raw in print("Data's 16 bytes:", raw.map { String(format: "%02x", $0) }.joined(separator: " ")) }
if case .all(let parts) = strategy { print("strategy of \(parts.count) parts, control of \(control.bytes.count) bytes, weak reference formed: \(watchedOnce)") }
