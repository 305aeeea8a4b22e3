// Benchmarks: filled in on the transport-tests branch.
print("dockersdk-bench: no benchmarks yet")
