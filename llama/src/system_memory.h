// How much memory this process can still take, so that a large allocation
// can be refused with a message instead of being granted by overcommit and
// then ending in the kernel's OOM killer when it is touched.
#pragma once

#include <cstdint>
#include <optional>

namespace llama {

// Bytes of RAM and swap available (Linux: MemAvailable + SwapFree of
// /proc/meminfo), and at most what the memory cgroup (v2 at /sys/fs/cgroup,
// or v1 at /sys/fs/cgroup/memory) still allows: its limit less its usage,
// inactive page cache counted as free. nullopt where none of these can be
// read.
std::optional<uint64_t> available_memory();

} // namespace llama
