// BatchEngine: the library's one batch engine (Client::process_batch; the
// CLI, the C ABI and the Python binding all run on it). It hands each file
// to the FilePipeline after grouped cache lookups, through the per-device
// read gate, in SIMD lanes when it can (batch_engine.cc says how).
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <stop_token>
#include <string>
#include <vector>

#include "client/client_context.h"
#include "client/file_pipeline.h"
#include "client/types.h"

namespace anidb::client {

class BatchEngine {
  public:
    BatchEngine(ClientContext& context, FilePipeline& files) : context_(context), files_(files) {}

    // Client::process_batch: the batch, then its report (report_outcome).
    Result<BatchResult> process(const std::vector<std::string>& paths, const BatchOptions& options,
                                const std::stop_token& stop);
    // process without the batch's own ERROR/COMPLETION (its files still
    // report theirs); a BatchOperation reports after storing it.
    Result<BatchResult> process_silently(const std::vector<std::string>& paths,
                                         const BatchOptions& options, const std::stop_token& stop);
    // A batch's code: its error, else cancelled when it was stopped, else ok.
    static Errc outcome_code(const Result<BatchResult>& outcome, bool cancelled);
    // ERROR for a batch refused as a whole, then COMPLETION with that code.
    void report_outcome(const Result<BatchResult>& outcome, bool cancelled);

  private:
    ClientContext& context_;
    FilePipeline& files_;
};

}  // namespace anidb::client
