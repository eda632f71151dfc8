#pragma once
// The apply target over januad's API (the CLI's remote mode).

#include "core/provisioning/target.hpp"

namespace janua::provisioning {

Target remote_target(ApiCall call);

}  // namespace janua::provisioning
