#include "daemon/routes/routes.hpp"

namespace janua::daemon {

void register_all_routes(Router& router, DaemonContext& context) {
    register_health_routes(router, context);
    register_key_routes(router, context);
    register_auth_routes(router, context);
    register_session_routes(router, context);
    register_user_routes(router, context);
    register_oauth_routes(router, context);
    register_client_routes(router, context);
}

}  // namespace janua::daemon
