#include "checkpoints/sentencepiece_model.h"

#include "mapped_file.h"
#include "string_printf.h"

#include <cstring>
#include <string_view>

namespace convert {

using llama::string_printf;

namespace {

// Field numbers of sentencepiece_model.proto.
namespace field {
constexpr uint32_t MODEL_PIECES = 1, MODEL_TRAINER_SPEC = 2, MODEL_NORMALIZER_SPEC = 3;
constexpr uint32_t PIECE_PIECE = 1, PIECE_SCORE = 2, PIECE_TYPE = 3;
constexpr uint32_t TRAINER_MODEL_TYPE = 3, TRAINER_BYTE_FALLBACK = 35, TRAINER_UNK_ID = 40,
                   TRAINER_BOS_ID = 41, TRAINER_EOS_ID = 42;
constexpr uint32_t NORMALIZER_NAME = 1, NORMALIZER_CHARSMAP = 2, NORMALIZER_ADD_DUMMY_PREFIX = 3;
} // namespace field

enum wire_type : uint32_t { VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5 };

constexpr int32_t MODEL_TYPE_BPE = 2;

// One protobuf field: its number and wire type, and its value (an integer
// for VARINT and the FIXED types, bytes for LEN).
struct field_value {
    uint32_t number;
    wire_type wire;
    uint64_t integer;
    std::string_view bytes;
};

// Walks the fields of one message; every read is bounds-checked.
class message_reader {
  public:
    explicit message_reader(std::string_view bytes) : s_(bytes) {}

    // false at the end of the message, or on malformed input (then error()).
    bool next(field_value *f) {
        if (pos_ >= s_.size() || !error_.empty()) return false;
        uint64_t key;
        if (!varint(&key)) return false;
        f->number = uint32_t(key >> 3);
        f->wire = wire_type(key & 7);
        if (f->number == 0 || key >> 3 > 0x1FFFFFFF) return fail("invalid field number");
        switch (f->wire) {
        case VARINT: return varint(&f->integer);
        case FIXED64: return fixed(8, f);
        case FIXED32: return fixed(4, f);
        case LEN: {
            uint64_t len;
            if (!varint(&len)) return false;
            if (len > s_.size() - pos_) return fail("a field runs past the end of its message");
            f->bytes = s_.substr(pos_, size_t(len));
            pos_ += size_t(len);
            return true;
        }
        default:
            return fail(string_printf("field %u has unsupported wire type %u", f->number,
                                      uint32_t(f->wire)));
        }
    }

    const std::string &error() const { return error_; }

  private:
    bool fail(const std::string &what) {
        error_ = string_printf("byte %zu: %s", pos_, what.c_str());
        return false;
    }

    bool varint(uint64_t *out) {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= s_.size()) return fail("truncated varint");
            const auto b = uint8_t(s_[pos_++]);
            v |= uint64_t(b & 0x7F) << shift;
            if (!(b & 0x80)) {
                *out = v;
                return true;
            }
        }
        return fail("varint longer than 10 bytes");
    }

    bool fixed(size_t n, field_value *f) {
        if (s_.size() - pos_ < n) return fail("truncated fixed-width field");
        f->integer = 0;
        std::memcpy(&f->integer, s_.data() + pos_, n); // little endian, as the machine
        pos_ += n;
        return true;
    }

    std::string_view s_;
    size_t pos_ = 0;
    std::string error_;
};

// Checks a field's wire type; "" or what is wrong.
std::string expect_wire(const field_value &f, wire_type want, const char *what) {
    if (f.wire == want) return "";
    return string_printf("%s (field %u) has wire type %u, expected %u", what, f.number,
                         uint32_t(f.wire), uint32_t(want));
}

// SentencePiece's piece types map one to one onto GGUF's token types.
bool token_type_of(uint64_t type, llama::token_type *out) {
    switch (type) {
    case 1: *out = llama::token_type::NORMAL; return true;
    case 2: *out = llama::token_type::UNKNOWN; return true;
    case 3: *out = llama::token_type::CONTROL; return true;
    case 4: *out = llama::token_type::USER_DEFINED; return true;
    case 5: *out = llama::token_type::UNUSED; return true;
    case 6: *out = llama::token_type::BYTE; return true;
    default: return false;
    }
}

std::string read_piece(std::string_view bytes, llama::vocab *v) {
    message_reader r(bytes);
    field_value f;
    std::string piece;
    float score = 0.0f;
    llama::token_type type = llama::token_type::NORMAL; // the proto's default
    while (r.next(&f)) {
        std::string problem;
        if (f.number == field::PIECE_PIECE) {
            problem = expect_wire(f, LEN, "piece");
            piece = std::string(f.bytes);
        } else if (f.number == field::PIECE_SCORE) {
            problem = expect_wire(f, FIXED32, "score");
            const auto bits = uint32_t(f.integer);
            std::memcpy(&score, &bits, 4);
        } else if (f.number == field::PIECE_TYPE) {
            problem = expect_wire(f, VARINT, "type");
            if (problem.empty() && !token_type_of(f.integer, &type))
                problem = string_printf("unknown type %llu", (unsigned long long)f.integer);
        }
        if (!problem.empty()) return problem;
    }
    if (!r.error().empty()) return r.error();
    v->tokens.push_back(std::move(piece));
    v->scores.push_back(score);
    v->types.push_back(type);
    return "";
}

// int32 fields are written as 64-bit varints (negative ids take 10 bytes).
int32_t as_int32(uint64_t v) { return int32_t(uint32_t(v)); }

std::string read_trainer_spec(std::string_view bytes, sentencepiece_model *m) {
    message_reader r(bytes);
    field_value f;
    while (r.next(&f)) {
        int32_t *id = nullptr;
        switch (f.number) {
        case field::TRAINER_MODEL_TYPE:
            if (auto p = expect_wire(f, VARINT, "model_type"); !p.empty()) return p;
            m->model_type = as_int32(f.integer);
            break;
        case field::TRAINER_BYTE_FALLBACK:
            if (auto p = expect_wire(f, VARINT, "byte_fallback"); !p.empty()) return p;
            m->byte_fallback = f.integer != 0;
            break;
        case field::TRAINER_UNK_ID: id = &m->vocab.unk_id; break;
        case field::TRAINER_BOS_ID: id = &m->vocab.bos_id; break;
        case field::TRAINER_EOS_ID: id = &m->vocab.eos_id; break;
        default: break;
        }
        if (id) {
            if (auto p = expect_wire(f, VARINT, "special id"); !p.empty()) return p;
            *id = as_int32(f.integer);
        }
    }
    return r.error();
}

std::string read_normalizer_spec(std::string_view bytes, sentencepiece_model *m) {
    message_reader r(bytes);
    field_value f;
    bool has_charsmap = false;
    while (r.next(&f)) {
        if (f.number == field::NORMALIZER_NAME) {
            if (auto p = expect_wire(f, LEN, "name"); !p.empty()) return p;
            m->normalizer_name = std::string(f.bytes);
        } else if (f.number == field::NORMALIZER_CHARSMAP) {
            if (auto p = expect_wire(f, LEN, "precompiled_charsmap"); !p.empty()) return p;
            has_charsmap = !f.bytes.empty();
        } else if (f.number == field::NORMALIZER_ADD_DUMMY_PREFIX) {
            if (auto p = expect_wire(f, VARINT, "add_dummy_prefix"); !p.empty()) return p;
            m->add_dummy_prefix = f.integer != 0;
        }
    }
    if (!r.error().empty()) return r.error();
    if (has_charsmap)
        return "the normalizer '" + m->normalizer_name +
               "' rewrites text (it has a precompiled_charsmap), which this project's tokenizer "
               "does not do; only 'identity' normalizers are supported";
    return "";
}

// What the parsed model must satisfy; "" or what is wrong.
std::string check_model(const sentencepiece_model &m) {
    if (m.model_type != MODEL_TYPE_BPE)
        return string_printf("model_type %d is not BPE (2); only BPE vocabularies (llama's) are "
                             "supported",
                             m.model_type);
    if (m.byte_fallback) {
        int n_bytes = 0;
        for (llama::token_type t : m.vocab.types) n_bytes += t == llama::token_type::BYTE;
        if (n_bytes != 256)
            return string_printf("byte_fallback is on, but there are %d byte pieces, not 256",
                                 n_bytes);
    }
    return llama::check_vocab(m.vocab);
}

} // namespace

bool parse_sentencepiece_model(const std::string &name, const uint8_t *data, size_t size,
                               sentencepiece_model *out, std::string *error) {
    sentencepiece_model m;
    m.vocab.bos_id = 1; // TrainerSpec's defaults
    m.vocab.eos_id = 2;
    m.vocab.unk_id = 0;
    message_reader r({reinterpret_cast<const char *>(data), size});
    field_value f;
    auto fail = [&](const std::string &what) {
        *error = name + ": " + what;
        return false;
    };
    while (r.next(&f)) {
        std::string problem;
        const auto piece_index = m.vocab.tokens.size();
        switch (f.number) {
        case field::MODEL_PIECES:
            problem = expect_wire(f, LEN, "pieces");
            if (problem.empty()) problem = read_piece(f.bytes, &m.vocab);
            if (!problem.empty()) problem = string_printf("piece %zu: ", piece_index) + problem;
            break;
        case field::MODEL_TRAINER_SPEC:
            problem = expect_wire(f, LEN, "trainer_spec");
            if (problem.empty()) problem = read_trainer_spec(f.bytes, &m);
            if (!problem.empty()) problem = "trainer_spec: " + problem;
            break;
        case field::MODEL_NORMALIZER_SPEC:
            problem = expect_wire(f, LEN, "normalizer_spec");
            if (problem.empty()) problem = read_normalizer_spec(f.bytes, &m);
            if (!problem.empty()) problem = "normalizer_spec: " + problem;
            break;
        default: break; // self-test data, the denormalizer: not needed
        }
        if (!problem.empty()) return fail(problem);
    }
    if (!r.error().empty()) return fail("malformed protobuf: " + r.error());
    m.vocab.add_space_prefix = m.add_dummy_prefix;
    if (std::string problem = check_model(m); !problem.empty()) return fail(problem);
    *out = std::move(m);
    return true;
}

bool read_sentencepiece_model(const std::string &path, sentencepiece_model *out,
                              std::string *error) {
    std::unique_ptr<llama::mapped_file> map = llama::mapped_file::open(path, error);
    if (!map) return false;
    return parse_sentencepiece_model(path, map->data(), map->size(), out, error);
}

} // namespace convert
