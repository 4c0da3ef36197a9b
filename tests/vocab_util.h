// Helpers for the tokenizer tests: a GGUF's vocabulary and tokenizer, and
// llama.cpp's tokenizer test cases (.inp/.out files).
#pragma once

#include "file_util.h"
#include "gguf_file.h"
#include "gguf_writer.h"
#include "tokenizer.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace test {

inline llama::vocab load_vocab(const std::string &path) {
    std::string error;
    std::unique_ptr<llama::gguf_file> f = llama::gguf_file::open(path, &error);
    EXPECT_NE(f, nullptr) << error;
    llama::vocab v;
    if (f) {
        EXPECT_TRUE(llama::load_vocab(*f, &v, &error)) << error;
    }
    return v;
}

inline std::unique_ptr<llama::tokenizer> load_tokenizer(const std::string &path) {
    return llama::tokenizer::create(load_vocab(path));
}

// Writes w to a scratch file and loads its vocabulary into *out: "" or the
// loader's error.
inline std::string load_written(const llama::gguf_writer &w, llama::vocab *out) {
    temp_dir dir;
    std::string error;
    if (!w.write(dir.file("vocab.gguf"), &error)) return "cannot write: " + error;
    std::unique_ptr<llama::gguf_file> f = llama::gguf_file::open(dir.file("vocab.gguf"), &error);
    if (!f) return "cannot open: " + error;
    return llama::load_vocab(*f, out, &error) ? "" : error;
}

// The inputs of a .inp file: texts each followed by a separator line.
inline std::vector<std::string> read_inputs(const std::string &path) {
    const std::string text = read_text(path);
    const std::string separator = "\n__ggml_vocab_test__\n";
    std::vector<std::string> inputs;
    for (size_t pos = 0; pos < text.size();) {
        const size_t end = text.find(separator, pos);
        EXPECT_NE(end, std::string::npos) << "the last input lacks its separator";
        if (end == std::string::npos) break;
        inputs.push_back(text.substr(pos, end - pos));
        pos = end + separator.size();
    }
    return inputs;
}

// The expected ids of a .out file: a line of ids per input.
inline std::vector<std::vector<llama::token_id>> read_outputs(const std::string &path) {
    std::istringstream lines(read_text(path));
    std::vector<std::vector<llama::token_id>> outputs;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream ids(line);
        outputs.emplace_back();
        for (llama::token_id id; ids >> id;) outputs.back().push_back(id);
    }
    return outputs;
}

// All the ids of a file (one per line, as llama-tokenize --ids writes them).
inline std::vector<llama::token_id> read_ids(const std::string &path) {
    std::istringstream in(read_text(path));
    std::vector<llama::token_id> ids;
    for (llama::token_id id; in >> id;) ids.push_back(id);
    return ids;
}

// How many of the 46 cases of `base`.inp/.out the tokenizer encodes
// exactly (without BOS, special tokens as text), each failure reported.
inline int passed_cases(const llama::tokenizer &t, const std::string &base) {
    const std::vector<std::string> inputs = read_inputs(base + ".inp");
    const std::vector<std::vector<llama::token_id>> outputs = read_outputs(base + ".out");
    EXPECT_EQ(inputs.size(), 46u);
    EXPECT_EQ(outputs.size(), inputs.size());
    int passed = 0;
    for (size_t i = 0; i < inputs.size() && i < outputs.size(); i++) {
        const std::vector<llama::token_id> ids = t.encode(inputs[i], false, false);
        EXPECT_EQ(ids, outputs[i]) << "case " << i << ": '" << inputs[i] << "'";
        passed += ids == outputs[i];
    }
    return passed;
}

} // namespace test
