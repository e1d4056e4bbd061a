// The one place that writes a command's output. Results go to standard
// output through out(): block-buffered (64 KiB) when stdout is a file or
// pipe, committed line by line when it is a terminal. Messages go to
// standard error through message(). While a status area is attached,
// both are written above it (stdout only in whole lines, so the area is
// never drawn after half a line). Colours: out_style() for stdout,
// err_style() for stderr, each enabled only on a terminal without NO_COLOR.
// out() is used from one thread at a time (results arrive in order);
// message() from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

#include "status_area.h"
#include "terminal.h"

namespace anidb::cli {

class Console {
  public:
    explicit Console(const EnvGetter& env);
    ~Console();
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;

    // Results. A flush (std::flush, std::endl, out().flush()) marks the end
    // of a record: written at once on a terminal, buffered otherwise.
    std::ostream& out() { return out_; }
    // One message line (or several) for stderr; a missing final newline is added.
    void message(std::string_view text);

    const Style& out_style() const { return out_style_; }
    const Style& err_style() const { return err_style_; }
    bool stderr_is_terminal() const { return stderr_terminal_; }

    // A status area for this run when `wanted` (and stderr is a terminal);
    // disabled otherwise. Results and messages go above it until
    // end_status(), which erases it.
    StatusArea& begin_status(bool wanted);
    void end_status();
    StatusArea* status() { return status_.get(); }

    // Writes everything buffered (end of the command).
    void finish();

  private:
    class Buffer : public std::streambuf {
      public:
        explicit Buffer(Console& console) : console_(console) {}
        void commit(bool everything);

      protected:
        int overflow(int ch) override;
        std::streamsize xsputn(const char* s, std::streamsize n) override;
        int sync() override;

      private:
        Console& console_;
        std::string pending_;
    };

    void write_out(std::string_view text);

    const bool stdout_terminal_;
    const bool stderr_terminal_;
    const Style out_style_;
    const Style err_style_;
    std::mutex status_mutex_;
    std::unique_ptr<StatusArea> status_;
    Buffer buffer_;
    std::ostream out_;
};

}  // namespace anidb::cli
