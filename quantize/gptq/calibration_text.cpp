#include "gptq/calibration_text.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

namespace quantize {

namespace {

// Python's random.seed(n) for 0 <= n < 2^32 fills the Mersenne Twister's
// state with init_by_array([n]) (Matsumoto and Nishimura's mt19937ar.c),
// not with std::mt19937's seeding; given that state, the generator and its
// outputs are the same. std::mt19937 takes a state from a seed sequence's
// generate(), which this one fills with init_by_array's result.
class python_seed {
  public:
    using result_type = uint32_t;
    explicit python_seed(uint32_t seed) : key_(seed) {}

    template <typename It> void generate(It begin, It end) const {
        constexpr int N = 624;
        uint32_t mt[N];
        // init_genrand(19650218)
        mt[0] = 19650218u;
        for (int i = 1; i < N; i++)
            mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + uint32_t(i);
        // init_by_array with the one-word key
        int i = 1;
        for (int k = N; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key_;
            if (++i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - uint32_t(i);
            if (++i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000u;
        std::copy(mt, mt + std::min<ptrdiff_t>(N, end - begin), begin);
    }

  private:
    uint32_t key_;
};

// Python's random.randint(0, hi) for hi < 2^32 - 1: draws of bit_length(hi + 1)
// bits (the top bits of one output) until one is at most hi.
uint32_t python_randint(std::mt19937 &rng, uint32_t hi) {
    const uint32_t n = hi + 1;
    const int bits = std::bit_width(n);
    for (;;) {
        const uint32_t r = rng() >> (32 - bits);
        if (r < n) return r;
    }
}

} // namespace

std::optional<std::vector<llama_token>> tokenize_file(const llama_model *model,
                                                      const std::string &path, std::string *error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = path + ": cannot read the calibration text: " + std::strerror(errno);
        return std::nullopt;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > size_t(INT32_MAX)) { // the tokenizer takes an int32 length
        *error = path + ": the calibration text is larger than 2 GiB; a few MB is plenty";
        return std::nullopt;
    }
    const int32_t n =
        -llama_tokenize(model, text.data(), int32_t(text.size()), nullptr, 0, true, false);
    std::vector<llama_token> tokens(size_t(std::max(n, 0)));
    llama_tokenize(model, text.data(), int32_t(text.size()), tokens.data(), n, true, false);
    return tokens;
}

std::vector<std::vector<llama_token>> sample_segments(const std::vector<llama_token> &tokens, int n,
                                                      int length, uint32_t seed) {
    python_seed seq(seed);
    std::mt19937 rng(seq);
    std::vector<std::vector<llama_token>> segments;
    for (int k = 0; k < n; k++) {
        const uint32_t start = python_randint(rng, uint32_t(tokens.size() - size_t(length) - 1));
        segments.emplace_back(tokens.begin() + start, tokens.begin() + start + length);
    }
    return segments;
}

std::vector<std::vector<llama_token>> consecutive_chunks(const llama_model *model,
                                                         const std::vector<llama_token> &tokens,
                                                         int n, int length) {
    size_t count = tokens.size() / size_t(length);
    if (n >= 0) count = std::min(count, size_t(n));
    std::vector<std::vector<llama_token>> chunks;
    for (size_t c = 0; c < count; c++) {
        const auto start = tokens.begin() + ptrdiff_t(c * size_t(length));
        chunks.emplace_back(start, start + length);
        if (llama_add_bos(model)) chunks.back()[0] = llama_token_bos(model);
    }
    return chunks;
}

} // namespace quantize
