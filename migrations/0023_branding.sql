-- Branding and languages (docs/api.md "Branding and languages"): an organization's look on the
-- hosted pages and in its emails, the host names that show it, and its own wording over the
-- shipped message catalogs. Validation happens in core/branding; the checks here are the backstop.
CREATE TABLE organization_branding (
    organization_id  uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    product_name     text CHECK (product_name IS NULL OR length(product_name) BETWEEN 1 AND 80),
    logo_url         text CHECK (logo_url IS NULL OR (logo_url LIKE 'https://%' AND length(logo_url) <= 2048)),
    preset           text NOT NULL DEFAULT 'default' CHECK (preset IN ('default', 'dark', 'high-contrast')),
    primary_color    text CHECK (primary_color IS NULL OR primary_color ~ '^#[0-9a-f]{6}$'),
    background_color text CHECK (background_color IS NULL OR background_color ~ '^#[0-9a-f]{6}$'),
    text_color       text CHECK (text_color IS NULL OR text_color ~ '^#[0-9a-f]{6}$'),
    custom_css       text NOT NULL DEFAULT '' CHECK (length(custom_css) <= 8192),
    default_locale   text NOT NULL DEFAULT 'en' CHECK (default_locale IN ('en', 'es')),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- A custom domain shows its organization's branding (matched on the Host header). One
-- organization per host name; the operator routes the name to januad (DNS, TLS, proxy).
CREATE TABLE organization_domains (
    domain           text PRIMARY KEY CHECK (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'
                                             AND length(domain) <= 253),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organization_domains_org_idx ON organization_domains (organization_id);

-- An organization's own wording for catalog keys, per shipped locale.
CREATE TABLE organization_translations (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    locale           text NOT NULL CHECK (locale IN ('en', 'es')),
    texts            jsonb NOT NULL CHECK (jsonb_typeof(texts) = 'object'),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, locale)
);

-- Organization admins manage their branding (owners hold '*' already).
UPDATE roles SET permissions = permissions || ARRAY['branding:*']
 WHERE organization_id IS NULL AND name = 'admin' AND NOT ('branding:*' = ANY (permissions));
