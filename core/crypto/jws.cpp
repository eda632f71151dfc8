#include "core/crypto/jws.hpp"

#include <stdexcept>

#include "core/crypto/encoding.hpp"

namespace janua::crypto {
namespace {

Error malformed(std::string detail) {
    return make_error(ErrorCode::token, "malformed token", "jws: " + std::move(detail));
}

}  // namespace

std::string_view jws_algorithm_name(JwsAlgorithm alg) {
    switch (alg) {
        case JwsAlgorithm::rs256:
            return "RS256";
        case JwsAlgorithm::es256:
            return "ES256";
        case JwsAlgorithm::eddsa:
            return "EdDSA";
    }
    throw std::invalid_argument("unknown JWS algorithm");
}

std::optional<JwsAlgorithm> jws_algorithm_from_name(std::string_view name) {
    for (const JwsAlgorithm alg : {JwsAlgorithm::rs256, JwsAlgorithm::es256, JwsAlgorithm::eddsa}) {
        if (jws_algorithm_name(alg) == name) return alg;
    }
    return std::nullopt;
}

std::string jws_sign(const nlohmann::json& header, const std::string& payload,
                     const SigningKey& key) {
    if (!header.is_object()) throw std::invalid_argument("JWS header must be a JSON object");
    nlohmann::json protected_header = header;
    protected_header["alg"] = std::string(jws_algorithm_name(key.algorithm()));
    std::string signing_input = base64url_encode(protected_header.dump());
    signing_input += '.';
    signing_input += base64url_encode(payload);
    const std::string signature = key.sign(signing_input);
    return signing_input + '.' + base64url_encode(signature);
}

Result<ParsedJws> jws_parse(std::string_view compact, std::size_t max_bytes) {
    if (compact.size() > max_bytes) return malformed("longer than " + std::to_string(max_bytes));
    const std::size_t first_dot = compact.find('.');
    if (first_dot == std::string_view::npos) return malformed("not three segments");
    const std::size_t second_dot = compact.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos ||
        compact.find('.', second_dot + 1) != std::string_view::npos) {
        return malformed("not three segments");
    }
    const std::string_view header_text = compact.substr(0, first_dot);
    const std::string_view payload_text = compact.substr(first_dot + 1, second_dot - first_dot - 1);
    const std::string_view signature_text = compact.substr(second_dot + 1);
    if (header_text.empty()) return malformed("empty header");
    if (signature_text.empty()) return malformed("unsigned");

    auto header_bytes = base64url_decode(header_text);
    auto payload = base64url_decode(payload_text);
    auto signature = base64url_decode(signature_text);
    if (!header_bytes || !payload || !signature) return malformed("segment is not base64url");

    nlohmann::json header = nlohmann::json::parse(*header_bytes, nullptr, false);
    if (header.is_discarded() || !header.is_object()) {
        return malformed("header is not a JSON object");
    }
    if (header.contains("crit")) return malformed("critical header extension not understood");

    return ParsedJws{std::move(header), std::move(*payload),
                     std::string(compact.substr(0, second_dot)), std::move(*signature)};
}

bool jws_verify(const ParsedJws& jws, const VerificationKey& key) {
    const auto alg = jws.header.find("alg");
    if (alg == jws.header.end() || !alg->is_string() ||
        alg->get_ref<const std::string&>() != jws_algorithm_name(key.algorithm())) {
        return false;
    }
    return key.verify(jws.signing_input, jws.signature);
}

}  // namespace janua::crypto
