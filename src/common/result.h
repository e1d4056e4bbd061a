// Result<T>: a value or an anidb::Error, the return type of every fallible
// call in the C++ core. A small stand-in for C++23 std::expected.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "common/error.h"

namespace anidb {

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(v_); }
    const T& value() const& { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(v_); }
    Errc code() const { return ok() ? Errc::ok : error().code; }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return error_.code == Errc::ok; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return error_; }
    Errc code() const { return error_.code; }

private:
    Error error_{Errc::ok, {}};
};

using Status = Result<void>;

}  // namespace anidb
