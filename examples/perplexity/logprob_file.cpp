#include "logprob_file.h"

#include <cstring>
#include <filesystem>

namespace {

constexpr char MAGIC[8] = {'L', 'L', 'Z', 'L', 'O', 'G', 'P', '1'};

size_t chunk_floats(const logprob_header &h) {
    return size_t(h.n_ctx - 1 - h.first) * size_t(h.n_vocab);
}

} // namespace

bool logprob_writer::open(const std::string &path, const logprob_header &h,
                          const std::vector<int32_t> &tokens, std::string *error) {
    path_ = path;
    f_ = std::fopen((path + ".tmp").c_str(), "wb");
    if (!f_) {
        *error = path + ".tmp: cannot create: " + std::strerror(errno);
        return false;
    }
    const uint32_t fields[] = {h.n_ctx, h.n_vocab, h.n_chunks, h.first};
    if (std::fwrite(MAGIC, 1, 8, f_) != 8 || std::fwrite(fields, 4, 4, f_) != 4 ||
        std::fwrite(tokens.data(), 4, tokens.size(), f_) != tokens.size()) {
        *error = path + ".tmp: write failed";
        return false;
    }
    return true;
}

bool logprob_writer::write_chunk(const std::vector<float> &logprobs, std::string *error) {
    if (std::fwrite(logprobs.data(), 4, logprobs.size(), f_) != logprobs.size()) {
        *error = path_ + ".tmp: write failed (disk full?)";
        return false;
    }
    return true;
}

bool logprob_writer::finish(std::string *error) {
    const bool ok = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok || std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0) {
        *error = path_ + ": cannot complete the file";
        std::remove((path_ + ".tmp").c_str());
        return false;
    }
    return true;
}

logprob_writer::~logprob_writer() {
    if (f_) { // not finished: leave nothing behind
        std::fclose(f_);
        std::remove((path_ + ".tmp").c_str());
    }
}

bool logprob_reader::open(const std::string &path, std::string *error) {
    path_ = path;
    f_ = std::fopen(path.c_str(), "rb");
    if (!f_) {
        *error = path + ": cannot open: " + std::strerror(errno);
        return false;
    }
    char magic[8];
    uint32_t fields[4];
    if (std::fread(magic, 1, 8, f_) != 8 || std::memcmp(magic, MAGIC, 8) != 0 ||
        std::fread(fields, 4, 4, f_) != 4) {
        *error = path + ": not a file written by perplexity --save-logits";
        return false;
    }
    h_ = {fields[0], fields[1], fields[2], fields[3]};
    if (h_.n_ctx < 2 || h_.first >= h_.n_ctx - 1 || h_.n_vocab == 0 || h_.n_chunks == 0 ||
        uint64_t(h_.n_chunks) * h_.n_ctx > (1ull << 32)) {
        *error = path + ": the header is inconsistent";
        return false;
    }
    // the tokens must be in the file before they are given memory: a
    // corrupt header could ask for gigabytes
    std::error_code ec;
    const uint64_t file_bytes = std::filesystem::file_size(path, ec);
    if (ec || file_bytes < 24 + 4 * uint64_t(h_.n_chunks) * h_.n_ctx) {
        *error = path + ": the file is truncated";
        return false;
    }
    tokens_.resize(size_t(h_.n_chunks) * h_.n_ctx);
    if (std::fread(tokens_.data(), 4, tokens_.size(), f_) != tokens_.size()) {
        *error = path + ": the file is truncated";
        return false;
    }
    return true;
}

bool logprob_reader::read_chunk(std::vector<float> *logprobs, std::string *error) {
    logprobs->resize(chunk_floats(h_));
    if (std::fread(logprobs->data(), 4, logprobs->size(), f_) != logprobs->size()) {
        *error = path_ + ": the file is truncated";
        return false;
    }
    return true;
}

logprob_reader::~logprob_reader() {
    if (f_) std::fclose(f_);
}
