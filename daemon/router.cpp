#include "daemon/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace janua::daemon {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    size_t start = 1;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        parts.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

bool match_pattern(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
    const auto want = split_path(pattern);
    const auto have = split_path(path);
    if (want.size() != have.size()) return false;
    std::map<std::string, std::string> found;
    for (size_t i = 0; i < want.size(); ++i) {
        const auto w = want[i];
        if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
            if (have[i].empty()) return false;
            found.emplace(std::string(w.substr(1, w.size() - 2)), std::string(have[i]));
        } else if (w != have[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

}  // namespace

void Router::add(Route route) {
    if (route.pattern.empty() || route.pattern.front() != '/')
        throw std::logic_error("route pattern must start with '/': " + route.pattern);
    m_routes.push_back(std::move(route));
}

void Router::rate_limit(const std::string& method, const std::string& pattern) {
    for (auto& route : m_routes) {
        if (route.method == method && route.pattern == pattern) {
            route.rate_limit = RateLimit::per_ip;
            return;
        }
    }
    throw std::logic_error("no route " + method + " " + pattern + " to rate-limit");
}

RouteMatch Router::match(Request& request) const {
    RouteMatch result;
    // Literal segments win over parameters: prefer the route with the most literal segments.
    const Route* best = nullptr;
    size_t best_literals = 0;
    std::map<std::string, std::string> best_params;
    for (const auto& route : m_routes) {
        std::map<std::string, std::string> params;
        if (!match_pattern(route.pattern, request.path, params)) continue;
        // HEAD is answered by the GET handler; the HTTP layer drops the body.
        const std::string& method = request.method == "HEAD" ? std::string("GET") : request.method;
        if (route.method != method) {
            if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
                result.allowed_methods.end())
                result.allowed_methods.push_back(route.method);
            continue;
        }
        const size_t literals = std::count(route.pattern.begin(), route.pattern.end(), '/') -
                                std::count(route.pattern.begin(), route.pattern.end(), '{');
        if (!best || literals > best_literals) {
            best = &route;
            best_literals = literals;
            best_params = std::move(params);
        }
    }
    if (best) {
        result.route = best;
        request.path_params = std::move(best_params);
        request.route = best->pattern;
    }
    return result;
}

}  // namespace janua::daemon
