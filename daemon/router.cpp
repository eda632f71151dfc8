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

bool is_parameter(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool match_segments(const std::vector<std::string>& want, const std::vector<std::string_view>& have,
                    std::map<std::string, std::string>& params) {
    if (want.size() != have.size()) return false;
    for (size_t i = 0; i < want.size(); ++i)
        if (is_parameter(want[i]) ? have[i].empty() : want[i] != have[i]) return false;
    params.clear();
    for (size_t i = 0; i < want.size(); ++i)
        if (is_parameter(want[i])) params.emplace(want[i].substr(1, want[i].size() - 2), std::string(have[i]));
    return true;
}

}  // namespace

void Router::add(Route route) {
    if (route.pattern.empty() || route.pattern.front() != '/')
        throw std::logic_error("route pattern must start with '/': " + route.pattern);
    Compiled compiled;
    for (const auto segment : split_path(route.pattern)) {
        compiled.segments.emplace_back(segment);
        if (!is_parameter(segment)) ++compiled.literals;
    }
    m_routes.push_back(std::move(route));
    m_compiled.push_back(std::move(compiled));
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
    const auto path = split_path(request.path);
    // HEAD is answered by the GET handler; the HTTP layer drops the body.
    const std::string method = request.method == "HEAD" ? std::string("GET") : request.method;
    std::map<std::string, std::string> params;
    for (size_t index = 0; index < m_routes.size(); ++index) {
        const auto& route = m_routes[index];
        if (!match_segments(m_compiled[index].segments, path, params)) continue;
        if (route.method != method) {
            if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
                result.allowed_methods.end())
                result.allowed_methods.push_back(route.method);
            continue;
        }
        const size_t literals = m_compiled[index].literals;
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
