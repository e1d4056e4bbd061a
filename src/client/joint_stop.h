// JointStop: a stop token that fires when either of two does (a call's own
// token and the client's shutdown).
#pragma once

#include <stop_token>

namespace anidb::client {

class JointStop {
  public:
    JointStop(const std::stop_token& a, const std::stop_token& b)
        : from_a_(a, Forward{&source_}), from_b_(b, Forward{&source_}) {}
    std::stop_token token() const { return source_.get_token(); }

  private:
    struct Forward {
        std::stop_source* source;
        void operator()() const noexcept { source->request_stop(); }
    };
    std::stop_source source_;
    std::stop_callback<Forward> from_a_, from_b_;
};

}  // namespace anidb::client
