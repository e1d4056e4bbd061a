// What the terminal around the command can do: whether a descriptor is a
// terminal, whether colour is wanted on it (a terminal, NO_COLOR unset or
// empty as https://no-color.org asks, TERM not "dumb"), its width, and the
// display width of UTF-8 text (East Asian wide characters take two
// columns, combining marks none), so lines drawn on it never wrap.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace anidb::cli {

using EnvGetter = std::function<const char*(const char*)>;

bool is_terminal(int fd);
bool colour_wanted(int fd, const EnvGetter& env);
// Columns of the terminal on `fd`; `fallback` when it is not one.
size_t terminal_columns(int fd, size_t fallback = 80);

// Columns `text` takes on a UTF-8 terminal (invalid bytes: one each).
size_t display_columns(std::string_view text);
// `text` cut to at most `width` columns: the head is kept and "…" ends it.
std::string fit_columns(std::string_view text, size_t width);
// The same, keeping the tail ("…" first): for paths, whose end says most.
std::string fit_columns_from_end(std::string_view text, size_t width);

// SGR colours, applied only when enabled.
enum class Tone { ok, bad, warn, accent, dim, bold };

class Style {
  public:
    explicit Style(bool colour = false) : colour_(colour) {}
    bool colour() const { return colour_; }
    std::string paint(Tone tone, std::string_view text) const;

  private:
    bool colour_;
};

}  // namespace anidb::cli
