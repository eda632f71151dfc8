#pragma once
// Where uploaded files live: one small interface over local disk (local_store.hpp) and an
// S3-compatible bucket (s3_store.hpp), chosen by STORAGE_BACKEND. Keys are chosen by Janua (random,
// URL-safe), never by clients; objects are written whole or not at all.

#include "core/common/result.hpp"

#include <memory>
#include <string>

namespace janua::config {
struct Config;
}

namespace janua::storage {

class ObjectStore {
public:
    virtual ~ObjectStore() = default;
    // Store `bytes` under `key`, replacing nothing else; a reader sees the whole object or none.
    virtual Status put(const std::string& key, const std::string& bytes, const std::string& content_type) = 0;
    // The object's bytes; not_found when there is none.
    virtual Result<std::string> get(const std::string& key) = 0;
    // Delete the object; deleting a missing object succeeds.
    virtual Status remove(const std::string& key) = 0;
    // "local" or "s3", for logs and audit details.
    virtual const char* kind() const = 0;
};

// Whether `key` is one Janua could have made: 1 to 128 characters of [A-Za-z0-9_-], with at most
// one '/' separating a prefix (no "..", no leading dot): safe as a file name and an S3 key.
bool valid_key(const std::string& key);

// A new random key under `prefix` ("avatars/<43 base64url characters>").
std::string new_key(const std::string& prefix);

// The backend STORAGE_BACKEND names, or a validation error (an unreadable secret file).
Result<std::unique_ptr<ObjectStore>> make_store(const config::Config& config);

// The first line of a secret file without surrounding whitespace, or an error naming `setting`.
Result<std::string> read_secret_file(const std::string& path, const std::string& setting);

}  // namespace janua::storage
