// Helpers for the tests of file formats and tools: a scratch folder,
// whole-file reads and writes, paths of the test data, and running a tool.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace test {

// Paths of files under tests/data (see its README) that are missing, named
// before any test ran (by a global's initializer). A test binary naming one
// fails as a whole, each test with a message that names the file, rather
// than crashing on what it could not read.
inline std::vector<std::string> &missing_data() {
    static std::vector<std::string> paths;
    return paths;
}

class missing_data_check : public ::testing::Environment {
  public:
    // Exits: a failure here would make GoogleTest report the tests as
    // skipped, which CTest does not count as failed.
    void SetUp() override {
        if (missing_data().empty()) return;
        for (const std::string &path : missing_data())
            std::fprintf(stderr, "test data missing: %s\n", path.c_str());
        std::fprintf(stderr, "(tests/data/README.md lists the files)\n");
        std::exit(1);
    }
};
inline const bool missing_data_check_added =
    (::testing::AddGlobalTestEnvironment(new missing_data_check), true);

// The path of a file or folder under tests/data. A missing one fails the
// test that asks for it, or every test when asked for before they run.
inline std::string data(const std::string &relative) {
    std::string path = std::string(LLAMAZ_TEST_DATA) + "/" + relative;
    if (!std::filesystem::exists(path)) {
        if (::testing::UnitTest::GetInstance()->current_test_info())
            ADD_FAILURE() << "test data missing: " << path;
        else
            missing_data().push_back(path);
    }
    return path;
}

inline std::vector<uint8_t> read_bytes(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot read " << path;
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline std::string read_text(const std::string &path) {
    const std::vector<uint8_t> bytes = read_bytes(path);
    return std::string(bytes.begin(), bytes.end());
}

inline void write_bytes(const std::string &path, const std::vector<uint8_t> &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
    ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// A fresh folder removed with everything in it at the end of the test.
class temp_dir {
  public:
    temp_dir() {
        const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
        static int count = 0; // several may live at once within a test
        path_ = std::filesystem::temp_directory_path() /
                ("llamaz-" + std::string(info ? info->name() : "test") + "-" +
                 std::to_string(getpid()) + "-" + std::to_string(count++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() { std::filesystem::remove_all(path_); }
    temp_dir(const temp_dir &) = delete;
    temp_dir &operator=(const temp_dir &) = delete;

    std::string file(const std::string &name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// The path of a model scripts/get-models.sh fetches, or "" when it is not
// there: in $LLAMAZ_MODELS, else the folder CMake's LLAMAZ_MODELS named,
// else ~/.cache/llamaz. *where says where it was looked for.
inline std::string fetched_model(const std::string &name, std::string *where) {
    const char *env = std::getenv("LLAMAZ_MODELS"), *home = std::getenv("HOME");
    std::string dir = env && *env ? env : LLAMAZ_MODELS;
    if (dir.empty()) dir = std::string(home ? home : "") + "/.cache/llamaz";
    *where = dir + "/" + name;
    return std::filesystem::exists(*where) ? *where : "";
}

struct run_result {
    int status;         // the exit status, -1 if the tool did not exit (a crash)
    std::string output; // stdout and stderr
};

// Runs a program with arguments (a shell command line) and collects its
// output.
inline run_result run_tool(const std::string &exe, const std::string &args) {
    temp_dir dir;
    const std::string log = dir.file("log.txt");
    const int status = std::system((exe + " " + args + " > " + log + " 2>&1").c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(log)};
}

// A tool run that must fail: exit status 1, `message` in its output, and
// neither `out` nor its temporary file left behind. `what` names the case.
inline void expect_failure(const run_result &r, const std::string &message, const std::string &out,
                           const std::string &what) {
    EXPECT_EQ(r.status, 1) << what << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << what << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << what;
    EXPECT_FALSE(std::filesystem::exists(out + ".tmp")) << what;
}

struct run_streams {
    int status; // the exit status, -1 if the tool did not exit (a crash)
    std::string out, err;
};

// Runs a program with arguments (a shell command line) and `input` on its
// stdin, collecting stdout and stderr apart.
inline run_streams run_with_input(const std::string &exe, const std::string &args,
                                  const std::string &input) {
    temp_dir dir;
    const std::string in = dir.file("in.txt"), out = dir.file("out.txt"), err = dir.file("err.txt");
    write_bytes(in, std::vector<uint8_t>(input.begin(), input.end()));
    const int status =
        std::system((exe + " " + args + " < " + in + " > " + out + " 2> " + err).c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(out), read_text(err)};
}

} // namespace test
