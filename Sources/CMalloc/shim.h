#ifndef VIGIL_CMALLOC_SHIM_H
#define VIGIL_CMALLOC_SHIM_H
#include <malloc.h>

// glibc allocator tuning; the M_* parameters are macros Swift cannot import.
static inline void vigil_retain_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
    // One arena: glibc unmaps a per-thread arena's heap once it empties, whatever the trim threshold, so query
    // workers re-faulted hundreds of MB per query when queries alternated; the main arena keeps its memory.
    mallopt(M_ARENA_MAX, 1);
}
#endif
