// fake-anidb: the fake AniDB UDP server as a program, for end-to-end tests
// of the CLI and bindings. Serves until SIGINT/SIGTERM. Options:
//   --port N                 UDP port on 127.0.0.1 (0 = a free port; default 0)
//   --port-file PATH         write the bound port number to PATH once serving
//   --catalog FILE           catalog in the text format of catalog.h
//   --users u:p[:apikey],... accounts (repeatable; also `user` catalog lines)
//   --log FILE               append one line per datagram (time, peer, gap,
//                            TOO_CLOSE / DROPPED(reason), redacted text)
//   --flood-interval-ms N    flood rule interval (default 2000)
//   --compress-threshold N   compress replies longer than N bytes (default 1400)
//   --raw-deflate            compress as raw DEFLATE instead of zlib
// SIGHUP reads the --catalog file again (a file AniDB learns about later;
// MyList entries are reset to the catalog's).
//   --new-version            AUTH answers 201 (new client version available)
// Faults: --drop-first N, --delay-ms N, --duplicate, --wrong-tag N,
//   --fail-next CODE:N (e.g. 602:1), --fail-untagged, --garbage N,
//   --invalidate-session CODE (501 or 506, once),
//   --fault KIND[:N][@COMMAND] (repeatable): KIND is silence, garbage,
//   truncated, wrong-tag, zlib-bomb, huge-fields, other-file, other-record or a
//   reply code
//   (555, 601, 505 ...; its text full of terminal escapes), for the next N
//   requests (default: all) with that command word (default: any).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_anidb/fake_server.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_reload = 0;
void on_signal(int) {
    g_stop = 1;
}
void on_hangup(int) {
    g_reload = 1;
}

int usage(const std::string& why) {
    std::cerr << "fake-anidb: " << why << " (see tests/support/fake_anidb/main.cc)\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using anidb::test::FakeAnidbServer;
    anidb::test::FakeServerOptions opt;
    std::string port_file, catalog_file;
    std::vector<std::string> users;
    int drop = 0, wrong_tag = 0, garbage = 0, fail_code = 0, fail_n = 0, invalidate = 0;
    long delay_ms = 0;
    bool duplicate = false, untagged = false;
    std::vector<anidb::test::FaultPlan> faults;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        auto number = [&]() { return std::strtol(value().c_str(), nullptr, 10); };
        if (a == "--port")
            opt.port = static_cast<uint16_t>(number());
        else if (a == "--port-file")
            port_file = value();
        else if (a == "--catalog")
            catalog_file = value();
        else if (a == "--users")
            users.push_back(value());
        else if (a == "--log")
            opt.log_file = value();
        else if (a == "--flood-interval-ms")
            opt.flood_interval = std::chrono::milliseconds(number());
        else if (a == "--compress-threshold")
            opt.compress_threshold = static_cast<size_t>(number());
        else if (a == "--raw-deflate")
            opt.raw_deflate = true;
        else if (a == "--new-version")
            opt.new_version_available = true;
        else if (a == "--drop-first")
            drop = static_cast<int>(number());
        else if (a == "--delay-ms")
            delay_ms = number();
        else if (a == "--duplicate")
            duplicate = true;
        else if (a == "--wrong-tag")
            wrong_tag = static_cast<int>(number());
        else if (a == "--fail-untagged")
            untagged = true;
        else if (a == "--garbage")
            garbage = static_cast<int>(number());
        else if (a == "--invalidate-session")
            invalidate = static_cast<int>(number());
        else if (a == "--fault") {
            auto plan = anidb::test::parse_fault(value());
            if (!plan) return usage(plan.error().message);
            faults.push_back(std::move(plan).value());
        } else if (a == "--fail-next") {
            std::string v = value();
            size_t colon = v.find(':');
            fail_code = std::atoi(v.substr(0, colon).c_str());
            fail_n = colon == std::string::npos ? 1 : std::atoi(v.substr(colon + 1).c_str());
        } else
            return usage("unknown option " + a);
    }
    FakeAnidbServer server(opt);
    if (!catalog_file.empty()) {
        auto cat = anidb::test::FakeCatalog::load(catalog_file);
        if (!cat) return usage(cat.error().message);
        server.set_catalog(std::move(cat).value());
    }
    for (const auto& list : users) {
        size_t start = 0;
        while (start <= list.size()) {
            size_t comma = list.find(',', start);
            std::string u = list.substr(start, comma - start);
            size_t c1 = u.find(':');
            if (c1 == std::string::npos) return usage("--users wants user:pass");
            size_t c2 = u.find(':', c1 + 1);
            server.add_user(u.substr(0, c1), u.substr(c1 + 1, c2 - c1 - 1),
                            c2 == std::string::npos ? std::string() : u.substr(c2 + 1));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    server.drop_next(drop);
    server.wrong_tag_next(wrong_tag);
    server.garbage_next(garbage);
    server.delay_replies(std::chrono::milliseconds(delay_ms));
    server.duplicate_replies(duplicate);
    if (fail_code) server.answer_next(fail_code, fail_n, untagged);
    if (invalidate) server.invalidate_session_next(invalidate);
    for (auto& plan : faults) server.inject(std::move(plan));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    if (auto st = server.start(); !st) return usage(st.error().message);
    if (!port_file.empty()) {
        std::string tmp = port_file + ".tmp";
        std::ofstream(tmp) << server.port() << '\n';
        std::rename(tmp.c_str(), port_file.c_str());
    }
    std::cout << "fake-anidb listening on 127.0.0.1:" << server.port() << std::endl;
    std::signal(SIGHUP, on_hangup);
    while (!g_stop) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (g_reload && !catalog_file.empty()) {
            g_reload = 0;
            auto cat = anidb::test::FakeCatalog::load(catalog_file);
            if (cat) {
                server.set_catalog(std::move(cat).value());
                std::cout << "fake-anidb: catalog reloaded" << std::endl;
            } else {
                std::cerr << "fake-anidb: " << cat.error().message << std::endl;
            }
        }
    }
    server.stop();
    std::cout << "fake-anidb: " << server.log().size() << " datagrams, "
              << server.flood_violations() << " flood violations" << std::endl;
    return 0;
}
