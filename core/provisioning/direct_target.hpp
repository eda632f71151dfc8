#pragma once
// The apply target over the core services on the database (the CLI's direct mode), acting as
// an operator (rbac::direct_caller). Each change runs in the service's own transaction and is
// audited there, exactly as the daemon's routes do it.

#include "core/federation/provider_service.hpp"
#include "core/identity/user_admin.hpp"
#include "core/oidc/client_service.hpp"
#include "core/orgs/org_service.hpp"
#include "core/provisioning/target.hpp"
#include "core/saml/service.hpp"
#include "core/scim/tokens.hpp"
#include "core/webhooks/service.hpp"

namespace janua::provisioning {

struct ServiceSet {
    orgs::OrgService& orgs;
    oidc::ClientService& clients;
    webhooks::WebhookService& webhooks;
    scim::TokenService& scim_tokens;
    identity::UserAdmin& users;
    saml::SamlService& saml;
    federation::ProviderService& identity_providers;
};

// The services must outlive the target.
Target direct_target(ServiceSet services);

}  // namespace janua::provisioning
