#include "system_memory.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace llama {

namespace {

// The number in a file holding one (a cgroup's "max" is no number: nullopt).
std::optional<uint64_t> read_number(const char *path) {
    std::ifstream in(path);
    uint64_t v;
    if (in >> v) return v;
    return std::nullopt;
}

// The value of `key` in a file of "key value" lines (/proc/meminfo, a
// cgroup's memory.stat).
std::optional<uint64_t> read_field(const char *path, const std::string &key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string k;
        uint64_t v;
        if (fields >> k >> v && k == key) return v;
    }
    return std::nullopt;
}

// What a memory cgroup still allows: its limit minus its usage, where the
// usage counts page cache that is not in active use as free (it is
// reclaimed before the OOM killer runs), as container tools count it.
std::optional<uint64_t> cgroup_room(const char *dir, const char *limit_file, const char *usage_file,
                                    const char *inactive_key) {
    const std::string d = dir;
    const std::optional<uint64_t> limit = read_number((d + limit_file).c_str()),
                                  usage = read_number((d + usage_file).c_str());
    if (!limit || !usage) return std::nullopt;
    const uint64_t inactive = read_field((d + "memory.stat").c_str(), inactive_key).value_or(0);
    const uint64_t used = *usage - std::min(*usage, inactive);
    return *limit > used ? *limit - used : 0;
}

std::optional<uint64_t> meminfo_available() {
    const std::optional<uint64_t> available = read_field("/proc/meminfo", "MemAvailable:");
    if (!available) return std::nullopt;
    return (*available + read_field("/proc/meminfo", "SwapFree:").value_or(0)) * 1024; // kB
}

} // namespace

std::optional<uint64_t> available_memory() {
    std::optional<uint64_t> room = meminfo_available();
    for (const std::optional<uint64_t> &cgroup :
         {cgroup_room("/sys/fs/cgroup/", "memory.max", "memory.current", "inactive_file"),
          cgroup_room("/sys/fs/cgroup/memory/", "memory.limit_in_bytes", "memory.usage_in_bytes",
                      "total_inactive_file")})
        if (cgroup) room = room ? std::min(*room, *cgroup) : *cgroup;
    return room;
}

} // namespace llama
