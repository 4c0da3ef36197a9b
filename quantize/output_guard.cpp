#include "output_guard.h"

#include <climits>
#include <csignal>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace convert {

bool is_same_file(const std::string &a, const std::string &b) {
    struct stat sa, sb;
    return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
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
    for (size_t i = 0; i < sizeof(SIGNALS) / sizeof(SIGNALS[0]); i++)
        sigaction(SIGNALS[i], &action, &g_previous[i]);
}

remove_on_interrupt::~remove_on_interrupt() {
    if (!g_armed) return;
    g_armed = 0;
    for (size_t i = 0; i < sizeof(SIGNALS) / sizeof(SIGNALS[0]); i++)
        sigaction(SIGNALS[i], &g_previous[i], nullptr);
}

} // namespace convert
