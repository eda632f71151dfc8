#include "cli/credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace janua::cli {
namespace {

std::string config_dir() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') return std::string(xdg) + "/janua";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.config/janua";
}

Result<nlohmann::json> read_all() {
    const auto path = credentials_path();
    std::ifstream in(path, std::ios::binary);
    if (!in) return nlohmann::json{{"profiles", nlohmann::json::object()}};
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
        return make_error(ErrorCode::authorization, path + " is readable by others; run: chmod 600 " + path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = nlohmann::json::parse(text.str(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("profiles") || !parsed["profiles"].is_object())
        return make_error(ErrorCode::validation, path + " is damaged; remove it and run janua login again");
    return parsed;
}

Status write_all(const nlohmann::json& all) {
    const auto dir = config_dir();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || ::chmod(dir.c_str(), 0700) != 0) return make_error(ErrorCode::internal, "cannot create " + dir);
    const auto path = credentials_path();
    const auto temp = path + ".tmp";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return make_error(ErrorCode::internal, "cannot write " + temp);
    const auto text = all.dump(2) + "\n";
    bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        return make_error(ErrorCode::internal, "cannot write " + path);
    }
    return Ok{};
}

std::string chosen_name(const nlohmann::json& all, const std::string& name) {
    if (!name.empty()) return name;
    if (const char* env = std::getenv("JANUA_PROFILE"); env && *env) return env;
    return all.value("default_profile", std::string());
}

}  // namespace

std::string credentials_path() { return config_dir() + "/credentials"; }

Result<std::optional<Profile>> load_profile(const std::string& name) {
    auto all = read_all();
    if (!all) return all.error();
    const auto chosen = chosen_name(*all, name);
    if (chosen.empty() || !(*all)["profiles"].contains(chosen)) {
        if (!name.empty()) return make_error(ErrorCode::not_found, "no profile '" + name + "'; run: janua login --server URL --profile " + name);
        return std::optional<Profile>();
    }
    const auto& p = (*all)["profiles"][chosen];
    Profile profile;
    profile.name = chosen;
    profile.server = p.value("server", "");
    profile.token = p.value("token", "");
    profile.kind = p.value("kind", "api_key");
    profile.refresh_token = p.value("refresh_token", "");
    profile.expires_at = p.value("expires_at", 0LL);
    return std::optional<Profile>(profile);
}

Status save_profile(const Profile& profile) {
    auto all = read_all();
    if (!all) return all.error();
    nlohmann::json p = {{"server", profile.server}, {"token", profile.token}, {"kind", profile.kind}};
    if (!profile.refresh_token.empty()) p["refresh_token"] = profile.refresh_token;
    if (profile.expires_at != 0) p["expires_at"] = profile.expires_at;
    (*all)["profiles"][profile.name] = p;
    (*all)["default_profile"] = profile.name;
    return write_all(*all);
}

Result<std::string> remove_profile(const std::string& name) {
    auto all = read_all();
    if (!all) return all.error();
    const auto chosen = chosen_name(*all, name);
    if (chosen.empty() || !(*all)["profiles"].contains(chosen))
        return make_error(ErrorCode::not_found, chosen.empty() ? "not logged in" : "no profile '" + chosen + "'");
    (*all)["profiles"].erase(chosen);
    if (all->value("default_profile", std::string()) == chosen) {
        if ((*all)["profiles"].empty()) all->erase("default_profile");
        else (*all)["default_profile"] = (*all)["profiles"].begin().key();
    }
    if (auto done = write_all(*all); !done) return done.error();
    return chosen;
}

}  // namespace janua::cli
