#include "output_guard.h"

#include "gguf_writer.h"

#include <climits>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace convert {

namespace {

bool is_same_file(const std::string &a, const std::string &b) {
    struct stat sa, sb;
    return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

// The input itself, or the files directly in it when it is a folder.
std::vector<std::string> input_files(const std::string &input) {
    std::error_code ec;
    if (!std::filesystem::is_directory(input, ec)) return {input};
    std::vector<std::string> files;
    for (const auto &entry : std::filesystem::directory_iterator(input, ec))
        files.push_back(entry.path().string());
    return files;
}

} // namespace

std::string output_clash(const std::string &output, const std::vector<std::string> &inputs) {
    const std::string temp = llama::gguf_writer::temp_path(output);
    for (const std::string &input : inputs) {
        if (input.empty()) continue;
        for (const std::string &file : input_files(input)) {
            if (is_same_file(file, output))
                return "the output " + output + " is the input " + file +
                       "; choose another output file";
            if (is_same_file(file, temp))
                return "the output's temporary file " + temp + " is the input " + file +
                       "; choose another output file";
        }
    }
    return "";
}

namespace {

constexpr int SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};

// The handler may only touch what is async-signal-safe: a fixed buffer and
// a flag, no std::string.
char g_path[PATH_MAX];
volatile sig_atomic_t g_armed = 0;
struct sigaction g_previous[sizeof(SIGNALS) / sizeof(SIGNALS[0])];

void on_signal(int sig) {
    if (g_armed) unlink(g_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

} // namespace

remove_on_interrupt::remove_on_interrupt(const std::string &path) {
    if (path.size() >= sizeof(g_path)) return; // cannot hold it: better no cleanup than a wrong one
    std::memcpy(g_path, path.c_str(), path.size() + 1);
    g_armed = 1;
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof(SIGNALS) / sizeof(SIGNALS[0]); i++) {
        // a signal the user chose to ignore (nohup, a background job's
        // SIGINT) stays ignored: it must not start killing the run
        sigaction(SIGNALS[i], nullptr, &g_previous[i]);
        if (g_previous[i].sa_handler != SIG_IGN) sigaction(SIGNALS[i], &action, nullptr);
    }
}

remove_on_interrupt::~remove_on_interrupt() {
    if (!g_armed) return;
    g_armed = 0;
    for (size_t i = 0; i < sizeof(SIGNALS) / sizeof(SIGNALS[0]); i++)
        sigaction(SIGNALS[i], &g_previous[i], nullptr);
}

} // namespace convert
