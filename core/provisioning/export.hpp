#pragma once
// `janua export`: what exists, written as an apply file, so that export -> apply changes
// nothing. Secrets are never exported (the server only holds hashes of them): the file says
// where a secret_from line belongs instead.

#include "core/provisioning/target.hpp"

#include <string>
#include <vector>

namespace janua::provisioning {

struct ExportOptions {
    std::vector<std::string> organizations;  // ids or slugs
    bool clients = false;                    // also every OAuth client (they belong to no organization)
};

Result<std::string> export_yaml(Target& target, const ExportOptions& options);

}  // namespace janua::provisioning
