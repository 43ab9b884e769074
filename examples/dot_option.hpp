// The tutorial examples' one option, `--dot DIR`: where they write their graphs as Graphviz
// files (render them with `dot -Tsvg file.dot -o file.svg`, or scripts/render-graphs).
#ifndef CTGRAD_EXAMPLES_DOT_OPTION_HPP
#define CTGRAD_EXAMPLES_DOT_OPTION_HPP

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace examples {

/// DIR when the arguments are `--dot DIR`, nothing when there are none; otherwise prints the
/// usage line and exits with status 2.
inline std::optional<std::string> dot_option(int argc, char** argv) {
    std::optional<std::string> dir;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--dot" && i + 1 < argc) {
            dir = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s [--dot DIR]\n", argv[0]);
            std::exit(2);
        }
    }
    return dir;
}

}  // namespace examples

#endif
