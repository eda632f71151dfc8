#pragma once
// AWS Signature Version 4 (the "AWS4-HMAC-SHA256" Authorization header) over HMAC-SHA256 and
// SHA-256 from OpenSSL, as AWS's documentation specifies it: a canonical request, the string to
// sign over its hash, a key derived from the secret through date, region and service, and the
// signature. Pure functions: the S3 client (s3_store.cpp) gathers the request and the clock.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace janua::storage::sigv4 {

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string region;
    std::string service;  // "s3"
};

struct SignedRequest {
    std::string method;          // "GET", "PUT", ...
    std::string canonical_path;  // already URI-encoded ("/bucket/avatars/abc")
    std::string canonical_query; // already sorted and encoded; empty for none
    // The headers to sign, any case and order; values are trimmed and inner runs of spaces folded.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string payload_sha256_hex;  // hex SHA-256 of the body (or "UNSIGNED-PAYLOAD")
};

// The canonical request text (method, path, query, headers, signed header names, payload hash).
std::string canonical_request(const SignedRequest& request);

// "name1;name2": the lower-case header names in order.
std::string signed_headers(const SignedRequest& request);

// "<yyyymmdd>/<region>/<service>/aws4_request"; `amz_date` is "yyyymmddThhmmssZ".
std::string credential_scope(const std::string& amz_date, const Credentials& credentials);

std::string string_to_sign(const std::string& amz_date, const std::string& scope, const std::string& canonical_request);

// The derived key HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string signing_key(const Credentials& credentials, const std::string& date);

// The hex signature of `request` at `amz_date`.
std::string signature(const SignedRequest& request, const Credentials& credentials, const std::string& amz_date);

// The full Authorization header value.
std::string authorization(const SignedRequest& request, const Credentials& credentials, const std::string& amz_date);

// Percent-encode as SigV4 wants: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, everything else
// becomes %XX in upper-case hex; '/' stays when `keep_slash` (object key paths).
std::string uri_encode(std::string_view text, bool keep_slash);

// "yyyymmddThhmmssZ" for a Unix time.
std::string amz_date(long long unix_seconds);

}  // namespace janua::storage::sigv4
