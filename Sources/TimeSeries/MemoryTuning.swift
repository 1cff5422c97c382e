import CMalloc

/// Process-wide allocator settings for a long-running query engine.
public enum MemoryTuning {
    /// Keeps freed heap memory for reuse instead of returning it to the kernel after every query: each range
    /// query allocates and frees hundreds of MB of sample arrays, and re-faulting those pages (zeroed by the
    /// kernel) cost a quarter of a query's time. All threads share one arena, because glibc unmaps an emptied
    /// per-thread arena regardless of the trim threshold. RSS then stays near the largest query's working set.
    public static func retainFreedMemory() {
        vigil_retain_freed_memory()
    }
}
