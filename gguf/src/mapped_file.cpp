#include "mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llama {

std::unique_ptr<mapped_file> mapped_file::open(const std::string &path, std::string *error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = path + ": cannot open: " + std::strerror(errno);
        return nullptr;
    }
    struct stat st;
    std::string problem;
    if (fstat(fd, &st) != 0)
        problem = std::string("cannot stat: ") + std::strerror(errno);
    else if (!S_ISREG(st.st_mode))
        problem = "not a regular file";
    else if (st.st_size == 0)
        problem = "the file is empty";
    void *data = MAP_FAILED;
    if (problem.empty()) {
        data = mmap(nullptr, size_t(st.st_size), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (data == MAP_FAILED) problem = std::string("cannot map: ") + std::strerror(errno);
    }
    ::close(fd); // the mapping keeps the file open
    if (!problem.empty()) {
        *error = path + ": " + problem;
        return nullptr;
    }
    return std::unique_ptr<mapped_file>(
        new mapped_file(static_cast<const uint8_t *>(data), size_t(st.st_size)));
}

mapped_file::~mapped_file() { munmap(const_cast<uint8_t *>(data_), size_); }

} // namespace llama
