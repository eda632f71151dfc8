#pragma once
// One registration function per API area; daemon/app.cpp calls them all.

#include "daemon/context.hpp"
#include "daemon/router.hpp"

namespace janua::daemon {

void register_health_routes(Router& router, DaemonContext& context);

}  // namespace janua::daemon
