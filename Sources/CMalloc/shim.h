// glibc's allocator statistics, for dockersdk-soak's leak checks (malloc.h is not in Swift's Glibc module).
#ifndef DOCKERSDK_CMALLOC_SHIM_H
#define DOCKERSDK_CMALLOC_SHIM_H

#include <stddef.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

/// Bytes malloc has handed out and not had back (small blocks in every arena plus mmapped ones); -1 when unknown.
static inline long long dsdk_heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    return (long long)(info.uordblks + info.hblkhd);
#else
    return -1;
#endif
}

/// Gives the allocator's free pages back to the system (glibc's malloc_trim(0)); 1 when some were.
static inline int dsdk_malloc_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

#endif
