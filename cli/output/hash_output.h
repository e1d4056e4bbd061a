// Writes `anidb hash` results in one of the output formats (docs/cli.md,
// "Output formats"). Records arrive one at a time as files finish;
// begin() and end() frame formats that need it (the JSON array, CSV header,
// SFV comment). Not thread-safe: the caller serialises write().
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "hash/algorithm.h"
#include "output_format.h"

namespace anidb::cli {

struct HashRecord {
    std::string path;  // as the user gave or the walk found it
    uint64_t size = 0;
    std::vector<hash::Digest> digests;  // empty when `error` is set
    std::optional<std::string> error;
    std::string ed2k_blue;  // the blue ED2K, when the output has that column
};

class HashOutput {
  public:
    // `out` receives results; `err` the complaints about failed files for
    // formats that cannot carry an error (text, sfv, bsd, ed2k). `ed2k_blue`:
    // a last column with HashRecord::ed2k_blue (not for sfv and ed2k links;
    // check_format_algorithms says so).
    HashOutput(std::ostream& out, std::ostream& err, OutputFormat format,
               std::vector<hash::Algorithm> algorithms, bool ed2k_blue = false);

    void begin();
    // false when the record is a failure or its name cannot be written in
    // this format (a line break in an SFV name); the reason went to `err`.
    bool write(const HashRecord& record);
    void end();

  private:
    std::string digest_of(const HashRecord& record, hash::Algorithm a) const;
    void write_json_object(const HashRecord& record);

    std::ostream& out_;
    std::ostream& err_;
    OutputFormat format_;
    std::vector<hash::Algorithm> algorithms_;
    bool ed2k_blue_ = false;
    size_t written_ = 0;
};

// BSD tag of an algorithm as coreutils and rhash print it: "MD5", "SHA1",
// "CRC32", "ED2K", "TTH".
std::string bsd_tag(hash::Algorithm a);

}  // namespace anidb::cli
