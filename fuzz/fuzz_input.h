// What the harnesses share: the fuzzer's bytes as a file for the readers
// that take a path, without touching the disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace fuzz {

// The bytes in an anonymous in-memory file (memfd), named by its
// /proc/self/fd path while this lives.
class memory_file {
  public:
    memory_file(const uint8_t *data, size_t size) : fd_(memfd_create("fuzz", MFD_CLOEXEC)) {
        for (size_t done = 0; fd_ >= 0 && done < size;) {
            const ssize_t n = write(fd_, data + done, size - done);
            if (n <= 0) break;
            done += size_t(n);
        }
    }
    ~memory_file() {
        if (fd_ >= 0) close(fd_);
    }
    memory_file(const memory_file &) = delete;
    memory_file &operator=(const memory_file &) = delete;

    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

  private:
    int fd_;
};

} // namespace fuzz
