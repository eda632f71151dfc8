#pragma once
// Objects as files under one directory (STORAGE_DIR). A put writes a temporary file in the same
// directory, flushes it to disk and renames it over the final name, so a reader or a crash never
// sees half an object. A key "prefix/name" is the file prefix/name.

#include "core/storage/object_store.hpp"

namespace janua::storage {

class LocalStore : public ObjectStore {
public:
    explicit LocalStore(std::string directory) : m_directory(std::move(directory)) {}

    Status put(const std::string& key, const std::string& bytes, const std::string& content_type) override;
    Result<std::string> get(const std::string& key) override;
    Status remove(const std::string& key) override;
    const char* kind() const override { return "local"; }

private:
    std::string m_directory;
};

}  // namespace janua::storage
