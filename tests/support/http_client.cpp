// The test suite's HTTP client; the only test file that includes cpp-httplib.
#include "tests/support/harness.hpp"

#include <httplib.h>
#include <strings.h>

namespace janua::test {

std::string HttpResponse::header(const std::string& name) const {
    for (const auto& [k, v] : headers)
        if (::strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    return {};
}

HttpResponse http(const std::string& method, const std::string& base_url, const std::string& path,
                  const std::string& body, const std::map<std::string, std::string>& headers,
                  const std::string& content_type) {
    httplib::Client client(base_url);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(30, 0);
    client.set_tcp_nodelay(true);
    // https: a januad terminating TLS with a certificate the test made itself (the TLS test
    // checks the certificate chain with openssl s_client).
    if (base_url.rfind("https://", 0) == 0) client.enable_server_certificate_verification(false);
    httplib::Headers h;
    for (const auto& [k, v] : headers) h.emplace(k, v);
    httplib::Result result{nullptr, httplib::Error::Unknown};
    if (method == "GET") result = client.Get(path.c_str(), h);
    else if (method == "DELETE") result = client.Delete(path.c_str(), h, body, content_type.c_str());
    else if (method == "POST") result = client.Post(path.c_str(), h, body, content_type.c_str());
    else if (method == "PUT") result = client.Put(path.c_str(), h, body, content_type.c_str());
    else if (method == "PATCH") result = client.Patch(path.c_str(), h, body, content_type.c_str());
    else if (method == "OPTIONS") result = client.Options(path.c_str(), h);
    HttpResponse response;
    if (!result) return response;
    response.status = result->status;
    response.body = result->body;
    for (const auto& [k, v] : result->headers) response.headers.emplace(k, v);
    return response;
}

}  // namespace janua::test
