#include "checkpoints/hf_tokenizer.h"

#include "checkpoints/json.h"
#include "pretokenizer.h"
#include "string_printf.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_map>

namespace convert {

using llama::string_printf;

namespace {

// Llama 3's expression as its tokenizer.json writes it.
constexpr std::string_view LLAMA3_REGEX =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

std::string string_member(const json::value &o, const char *key) {
    const json::value *v = o.find(key);
    return v && v->type == json::kind::STRING ? v->string : "";
}

bool bool_member(const json::value &o, const char *key, bool fallback) {
    const json::value *v = o.find(key);
    return v && v->type == json::kind::BOOL ? v->boolean : fallback;
}

// One step of the pre-tokenizer, as "ByteLevel", "ByteLevel(no regex)",
// "Digits(individual)", "Split(llama3)" or what else it is, for matching
// and for messages.
std::string describe_step(const json::value &step) {
    const std::string type = string_member(step, "type");
    if (type == "ByteLevel") {
        if (bool_member(step, "add_prefix_space", true)) return "ByteLevel(add_prefix_space)";
        return bool_member(step, "use_regex", true) ? "ByteLevel" : "ByteLevel(no regex)";
    }
    if (type == "Digits")
        return bool_member(step, "individual_digits", false) ? "Digits(individual)" : "Digits";
    if (type == "Split") {
        const json::value *pattern = step.find("pattern");
        const bool llama3 = pattern && string_member(*pattern, "Regex") == LLAMA3_REGEX &&
                            string_member(step, "behavior") == "Isolated" &&
                            !bool_member(step, "invert", false);
        return llama3 ? "Split(llama3)" : "Split";
    }
    return type.empty() ? "?" : type;
}

// The pre-tokenizer's name in llama.cpp (pretokenizer.h), or "" with *steps
// saying what it is.
std::string pretokenizer_name(const json::value &root, std::string *steps) {
    const json::value *pre = root.find("pre_tokenizer");
    if (!pre || pre->type != json::kind::OBJECT) {
        *steps = "none";
        return "";
    }
    std::vector<const json::value *> list = {pre};
    if (string_member(*pre, "type") == "Sequence") {
        list.clear();
        if (const json::value *seq = pre->find("pretokenizers"))
            for (const json::value &step : seq->items) list.push_back(&step);
    }
    for (const json::value *step : list)
        *steps += (steps->empty() ? "" : " + ") + describe_step(*step);
    if (*steps == "ByteLevel") return "gpt-2";
    if (*steps == "Digits(individual) + ByteLevel") return "smollm";
    if (*steps == "Split(llama3) + ByteLevel(no regex)") return "llama-bpe";
    return "";
}

// A special token of tokenizer_config.json: "<s>" or {"content": "<s>", ...}.
std::string special_token(const json::value &config, const char *key) {
    const json::value *v = config.find(key);
    if (!v) return "";
    return v->type == json::kind::OBJECT ? string_member(*v, "content")
                                         : string_member(config, key);
}

// The chat template: DIR/chat_template.jinja, else tokenizer_config.json's
// chat_template (a string, or a list of named ones of which "default").
std::string chat_template(const std::string &dir, const json::value *config) {
    std::ifstream jinja(std::filesystem::path(dir) / "chat_template.jinja", std::ios::binary);
    if (jinja) return std::string(std::istreambuf_iterator<char>(jinja), {});
    const json::value *t = config ? config->find("chat_template") : nullptr;
    if (!t) return "";
    if (t->type == json::kind::STRING) return t->string;
    for (const json::value &named : t->items)
        if (string_member(named, "name") == "default") return string_member(named, "template");
    return "";
}

class reader {
  public:
    reader(std::string path, llama::vocab *v) : path_(std::move(path)), v_(*v) {}

    bool read(const json::value &root) {
        const json::value *model = root.find("model");
        if (!model || string_member(*model, "type") != "BPE")
            return fail("the model is not BPE (\"model\": {\"type\": \"BPE\"})");
        if (bool_member(*model, "byte_fallback", false))
            return fail("byte_fallback is set: a SentencePiece-style BPE, not byte-level");
        for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"})
            if (!string_member(*model, key).empty())
                return fail(string_printf("%s is set; the llama tokenizer has none", key));
        if (const json::value *n = root.find("normalizer"); n && n->type != json::kind::NUL)
            return fail("a normalizer (" + describe_step(*n) +
                        ") is set; the llama tokenizer does not normalize text");
        std::string steps;
        v_.pre = pretokenizer_name(root, &steps);
        if (v_.pre.empty())
            return fail("the pre-tokenizer (" + steps +
                        ") is none of GPT-2's (ByteLevel), SmolLM's (Digits(individual) + "
                        "ByteLevel) and Llama 3's (Split(llama3) + ByteLevel(no regex))");
        if (bool_member(*model, "ignore_merges", false) !=
            llama::find_pretokenizer(v_.pre)->ignore_merges)
            return fail(
                "ignore_merges is " +
                std::string(bool_member(*model, "ignore_merges", false) ? "true" : "false") +
                ", which llama.cpp's '" + v_.pre + "' pre-tokenizer does not do");
        return tokens(*model, root.find("added_tokens")) && merges(*model);
    }

    bool fail(const std::string &message) {
        error_ = path_ + ": " + message;
        return false;
    }
    const std::string &error() const { return error_; }
    // The id of a token's text, -1 if none.
    llama::token_id id_of(const std::string &text) const {
        auto it = ids_.find(text);
        return it == ids_.end() ? -1 : it->second;
    }

  private:
    std::string path_;
    llama::vocab &v_;
    std::string error_;
    std::unordered_map<std::string, llama::token_id> ids_;

    bool place(int64_t id, const std::string &text, llama::token_type type) {
        if (id < 0 || id >= (int64_t(1) << 30))
            return fail(string_printf("token '%s' has the id %lld", text.c_str(), (long long)id));
        if (size_t(id) >= v_.tokens.size()) {
            v_.tokens.resize(size_t(id) + 1);
            v_.types.resize(size_t(id) + 1, llama::token_type::UNDEFINED);
        }
        std::string &slot = v_.tokens[size_t(id)];
        if (!slot.empty() && slot != text)
            return fail(string_printf("id %lld is both '%s' and '%s'", (long long)id, slot.c_str(),
                                      text.c_str()));
        slot = text;
        v_.types[size_t(id)] = type;
        ids_[text] = llama::token_id(id);
        return true;
    }

    // model.vocab, then the added tokens (special: control; others: user-defined).
    bool tokens(const json::value &model, const json::value *added) {
        const json::value *vocab = model.find("vocab");
        if (!vocab || vocab->type != json::kind::OBJECT) return fail("model.vocab is missing");
        for (const auto &[text, id] : vocab->members) {
            if (!id.integer) return fail("model.vocab: '" + text + "' has no integer id");
            if (!place(*id.integer, text, llama::token_type::NORMAL)) return false;
        }
        for (const json::value &a : added ? added->items : std::vector<json::value>{}) {
            const json::value *id = a.find("id");
            if (!id || !id->integer) return fail("added_tokens: an entry has no integer id");
            const auto type = bool_member(a, "special", false) ? llama::token_type::CONTROL
                                                               : llama::token_type::USER_DEFINED;
            if (!place(*id->integer, string_member(a, "content"), type)) return false;
        }
        for (size_t i = 0; i < v_.tokens.size(); i++)
            if (v_.tokens[i].empty()) return fail(string_printf("no token has the id %zu", i));
        return true;
    }

    // model.merges: "left right" strings or [left, right] pairs.
    bool merges(const json::value &model) {
        const json::value *m = model.find("merges");
        if (!m || m->type != json::kind::ARRAY) return fail("model.merges is missing");
        for (const json::value &merge : m->items) {
            if (merge.type == json::kind::STRING) {
                v_.merges.push_back(merge.string);
            } else if (merge.items.size() == 2 && merge.items[0].type == json::kind::STRING &&
                       merge.items[1].type == json::kind::STRING &&
                       merge.items[0].string.find(' ') == std::string::npos) {
                v_.merges.push_back(merge.items[0].string + " " + merge.items[1].string);
            } else {
                return fail(
                    string_printf("model.merges: merge %zu is not \"a b\" or [\"a\", \"b\"] "
                                  "without spaces in a",
                                  v_.merges.size()));
            }
        }
        return true;
    }
};

} // namespace

bool read_hf_tokenizer(const std::string &dir, llama::vocab *out, std::string *error) {
    namespace fs = std::filesystem;
    const std::string path = (fs::path(dir) / "tokenizer.json").string();
    json::value root;
    if (!json::read_object_file(path, &root, error)) return false;
    llama::vocab v;
    v.kind = llama::tokenizer_kind::BPE;
    v.add_space_prefix = false;
    reader r(path, &v);
    if (!r.read(root)) {
        *error = r.error();
        return false;
    }
    const json::value *model = root.find("model");
    v.unk_id = r.id_of(string_member(*model, "unk_token"));
    v.bos_id = v.eos_id = -1;
    v.add_bos = llama::find_pretokenizer(v.pre)->add_bos;

    const std::string config_path = (fs::path(dir) / "tokenizer_config.json").string();
    json::value config;
    const bool has_config = fs::exists(config_path);
    if (has_config) {
        if (!json::read_object_file(config_path, &config, error) ||
            !json::get_member(config, "add_bos_token", &v.add_bos, config_path, error))
            return false;
        v.bos_id = r.id_of(special_token(config, "bos_token"));
        v.eos_id = r.id_of(special_token(config, "eos_token"));
    }
    v.chat_template = chat_template(dir, has_config ? &config : nullptr);
    *out = std::move(v);
    return true;
}

} // namespace convert
