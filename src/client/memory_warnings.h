// MEMORY_WARNING for every live client: when the library-wide memory budget
// enters Critical pressure, each client created since hears one event
// (its EVENT callbacks, its connected callback, or its queue). The C ABI
// and C++ callers get it alike.
#pragma once

#include <memory>

namespace anidb::client {

class Client;

// Adds `client` to the clients that hear memory warnings (held weakly: a
// destroyed client drops out by itself). Installs the budget listener once
// per process.
void hear_memory_warnings(const std::shared_ptr<Client>& client);

}  // namespace anidb::client
