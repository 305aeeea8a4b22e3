// Positive control for scripts/sanitize.sh address: a read after free. AddressSanitizer must
// report it, or the suite's "no report" means nothing.
let pointer = UnsafeMutablePointer<Int>.allocate(capacity: 4)
pointer.initialize(repeating: 7, count: 4)
pointer.deallocate()
print("read after free: \(pointer[1])")
