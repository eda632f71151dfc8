#include "core/webauthn/authenticator_data.hpp"

namespace janua::webauthn {
namespace {

Error invalid(const std::string& what) { return make_error(ErrorCode::validation, what); }

}  // namespace

Result<AuthenticatorData> parse_authenticator_data(std::string_view bytes) {
    if (bytes.size() < 37) return invalid("authenticator data is shorter than 37 bytes");
    AuthenticatorData d;
    d.rp_id_hash = std::string(bytes.substr(0, 32));
    d.flags = static_cast<std::uint8_t>(bytes[32]);
    d.sign_count = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[33])) << 24) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[34])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[35])) << 8) |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[36]));
    std::size_t pos = 37;
    if (d.has_attested()) {
        if (bytes.size() < pos + 18) return invalid("attested credential data is truncated");
        AttestedCredential a;
        a.aaguid = std::string(bytes.substr(pos, 16));
        pos += 16;
        const std::size_t id_length = (static_cast<std::size_t>(static_cast<unsigned char>(bytes[pos])) << 8) |
                                      static_cast<unsigned char>(bytes[pos + 1]);
        pos += 2;
        if (id_length == 0 || id_length > 1023) return invalid("credential id length must be 1 to 1023 bytes");
        if (bytes.size() - pos < id_length) return invalid("credential id is longer than the authenticator data");
        a.credential_id = std::string(bytes.substr(pos, id_length));
        pos += id_length;
        std::string why;
        auto key = cbor::decode_prefix(bytes.substr(pos), &why);
        if (!key) return invalid("credential public key is malformed CBOR (" + why + ")");
        a.public_key = std::string(bytes.substr(pos, key->consumed));
        a.public_key_cose = std::move(key->value);
        pos += key->consumed;
        d.attested = std::move(a);
    }
    if (d.has_extensions()) {
        std::string why;
        auto extensions = cbor::decode_prefix(bytes.substr(pos), &why);
        if (!extensions || extensions->value.type != cbor::Value::Type::map)
            return invalid("authenticator extensions are malformed (" + why + ")");
        pos += extensions->consumed;
    }
    if (pos != bytes.size()) return invalid("authenticator data has trailing bytes");
    if (d.backup_state() && !d.backup_eligible()) return invalid("backup state set on a credential that is not backup eligible");
    return d;
}

Result<AttestationObject> parse_attestation_object(std::string_view bytes) {
    std::string why;
    auto value = cbor::decode(bytes, &why);
    if (!value) return invalid("attestationObject is malformed CBOR (" + why + ")");
    const auto* fmt = value->find("fmt");
    const auto* statement = value->find("attStmt");
    const auto* auth_data = value->find("authData");
    if (!fmt || fmt->type != cbor::Value::Type::text || !statement || statement->type != cbor::Value::Type::map ||
        !auth_data || auth_data->type != cbor::Value::Type::bytes)
        return invalid("attestationObject needs fmt, attStmt and authData");
    auto parsed = parse_authenticator_data(auth_data->string);
    if (!parsed) return parsed.error();
    return AttestationObject{fmt->string, *statement, auth_data->string, std::move(parsed).value()};
}

}  // namespace janua::webauthn
