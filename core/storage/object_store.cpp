#include "core/storage/object_store.hpp"

#include "core/config/config.hpp"
#include "core/crypto/random.hpp"
#include "core/storage/local_store.hpp"
#include "core/storage/s3_store.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

namespace janua::storage {
namespace {

// Keys are made by new_key (base64url, which may begin with '-' or '_'); the check exists to keep
// "." and ".." and separators out of paths on disk and in S3 URLs.
bool valid_segment(const std::string& s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
}

}  // namespace

bool valid_key(const std::string& key) {
    if (key.empty() || key.size() > 200) return false;
    const auto slash = key.find('/');
    if (slash == std::string::npos) return valid_segment(key);
    return valid_segment(key.substr(0, slash)) && valid_segment(key.substr(slash + 1));
}

std::string new_key(const std::string& prefix) { return prefix + "/" + crypto::random_token(32); }

Result<std::string> read_secret_file(const std::string& path, const std::string& setting) {
    std::ifstream in(path);
    if (!in) return make_error(ErrorCode::validation, "invalid setting " + setting + ": cannot read '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    const auto first = value.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return make_error(ErrorCode::validation, "invalid setting " + setting + ": '" + path + "' is empty");
    value = value.substr(first, value.find_last_not_of(" \t\r\n") - first + 1);
    return value;
}

Result<std::unique_ptr<ObjectStore>> make_store(const config::Config& config) {
    if (config.storage_backend != "s3") return std::unique_ptr<ObjectStore>(std::make_unique<LocalStore>(config.storage_dir));
    S3Settings s3;
    s3.endpoint = config.s3_endpoint;
    s3.bucket = config.s3_bucket;
    s3.region = config.s3_region;
    s3.access_key_id = config.s3_access_key_id;
    s3.secret_access_key = config.s3_secret_access_key;
    if (!config.s3_secret_access_key_file.empty()) {
        auto secret = read_secret_file(config.s3_secret_access_key_file, "S3_SECRET_ACCESS_KEY_FILE");
        if (!secret) return secret.error();
        s3.secret_access_key = *secret;
    }
    auto store = S3Store::make(s3);
    if (!store) return store.error();
    return std::unique_ptr<ObjectStore>(std::move(*store));
}

}  // namespace janua::storage
