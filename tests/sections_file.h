// Text files of sections, as llama.cpp's quant-type snapshots are written:
// "[NAME] value" starts a section, each "a b" line below belongs to it;
// empty lines and lines starting with '#' are skipped.
#pragma once

#include "file_util.h"

#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace test {

struct section {
    std::string value;                                      // after "[NAME]"
    std::vector<std::pair<std::string, std::string>> lines; // in file order
};

inline std::map<std::string, section> read_sections(const std::string &path) {
    std::map<std::string, section> sections;
    std::istringstream in(read_text(path));
    section *cur = nullptr;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string a, b;
        fields >> a >> b;
        if (a.front() == '[') {
            cur = &sections[a.substr(1, a.size() - 2)];
            cur->value = b;
        } else {
            EXPECT_NE(cur, nullptr) << path << ": a line before any section: " << line;
            if (cur) cur->lines.emplace_back(a, b);
        }
    }
    return sections;
}

} // namespace test
