// The shipped catalog: every key with its English and Spanish text side by side, so a key cannot
// exist in one language only (tests/unit/i18n checks the placeholders agree too).
#include "core/common/log.hpp"
#include "core/i18n/locale.hpp"
#include "core/i18n/text.hpp"

#include <algorithm>
#include <unordered_map>

namespace janua::i18n {
namespace {

struct Entry {
    const char* key;
    const char* en;
    const char* es;
};

// clang-format off
constexpr Entry k_catalog[] = {
    // Sign-in (/login) and its other ways in.
    {"login.page_title", "Sign in", "Iniciar sesión"},
    {"login.heading", "Sign in to {name}", "Inicia sesión en {name}"},
    {"login.identifier", "Email or username", "Correo electrónico o nombre de usuario"},
    {"login.password", "Password", "Contraseña"},
    {"login.submit", "Sign in", "Iniciar sesión"},
    {"login.passkey", "Sign in with a passkey", "Iniciar sesión con una llave de acceso"},
    {"login.passkey_failed", "Passkey sign-in did not complete:", "El inicio de sesión con llave de acceso no se completó:"},
    {"login.passkey_incomplete", "The passkey sign-in did not complete.", "El inicio de sesión con llave de acceso no se completó."},
    {"login.session_expired", "Your session expired; please sign in again.", "Tu sesión caducó; vuelve a iniciar sesión."},
    {"login.other_ways", "Other ways to sign in", "Otras formas de iniciar sesión"},
    {"login.or", "or", "o"},
    {"login.with_provider", "Sign in with {provider}", "Iniciar sesión con {provider}"},
    {"login.sso_email", "Work email (enterprise single sign-on)", "Correo del trabajo (inicio de sesión único de empresa)"},
    {"login.sso_submit", "Continue with SSO", "Continuar con SSO"},
    {"login.sso_needs_email", "Enter your work email address to sign in with your organization's SSO.",
     "Escribe tu correo del trabajo para iniciar sesión con el SSO de tu organización."},
    // Second step (/login/mfa).
    {"mfa.title", "Two-step verification", "Verificación en dos pasos"},
    {"mfa.code", "Code from your authenticator app (or a backup code)",
     "Código de tu aplicación de autenticación (o un código de respaldo)"},
    {"mfa.submit", "Verify", "Verificar"},
    // Consent (/consent) and the scopes it lists.
    {"consent.page_title", "Allow access", "Permitir acceso"},
    {"consent.heading", "{client} wants to access your {app} account", "{client} quiere acceder a tu cuenta de {app}"},
    {"consent.allow", "Allow", "Permitir"},
    {"consent.deny", "Deny", "Denegar"},
    {"scope.openid", "Confirm who you are", "Confirmar quién eres"},
    {"scope.profile", "Your name and profile details", "Tu nombre y los datos de tu perfil"},
    {"scope.email", "Your email address", "Tu dirección de correo electrónico"},
    {"scope.phone", "Your phone number", "Tu número de teléfono"},
    {"scope.address", "Your postal address", "Tu dirección postal"},
    {"scope.offline_access", "Keep access while you are away", "Mantener el acceso mientras no estás"},
    {"scope.integrations_read", "Act on your behalf in the accounts you linked (such as GitHub or Google), with their access tokens",
     "Actuar en tu nombre en las cuentas que vinculaste (como GitHub o Google), con sus tokens de acceso"},
    // Outcomes and errors of the hosted flows.
    {"page.error_title", "Error", "Error"},
    {"page.error_heading", "This request cannot be completed", "Esta solicitud no se puede completar"},
    {"page.signed_in_title", "Signed in", "Sesión iniciada"},
    {"page.signed_in", "You are signed in.", "Has iniciado sesión."},
    {"page.signed_out_title", "Signed out", "Sesión cerrada"},
    {"page.signed_out", "You are signed out.", "Has cerrado la sesión."},
    {"page.form_malformed", "The form is malformed.", "El formulario no es válido."},
    {"page.return_to_invalid", "The page to return to is not an authorization request of this server.",
     "La página de retorno no es una solicitud de autorización de este servidor."},
    {"page.unexpected", "Something unexpected happened. Please start again.", "Ocurrió algo inesperado. Vuelve a empezar."},
    {"page.link_incomplete", "The link is incomplete.", "El enlace está incompleto."},
    {"page.session_expired_retry", "Your session expired; please try again.", "Tu sesión caducó; inténtalo de nuevo."},
    // Device authorization (/device, RFC 8628).
    {"device.title", "Connect a device", "Conectar un dispositivo"},
    {"device.enter_code", "Enter the code shown on your device.", "Escribe el código que muestra tu dispositivo."},
    {"device.code", "Code", "Código"},
    {"device.continue", "Continue", "Continuar"},
    {"device.invalid_code", "That code is not valid or has expired. Check the code on your device.",
     "Ese código no es válido o ha caducado. Comprueba el código en tu dispositivo."},
    {"device.allow_title", "Allow the device", "Permitir el dispositivo"},
    {"device.only_if_code", "Only continue if your device shows the code {code}.",
     "Continúa solo si tu dispositivo muestra el código {code}."},
    {"device.asks_for", "It asks for:", "Solicita:"},
    {"device.connected_title", "Device connected", "Dispositivo conectado"},
    {"device.connected", "You can return to your device; it will continue by itself.",
     "Puedes volver a tu dispositivo; continuará por sí solo."},
    {"device.denied_title", "Request denied", "Solicitud denegada"},
    {"device.denied", "The device was not given access. You can close this page.",
     "El dispositivo no recibió acceso. Puedes cerrar esta página."},
    // Confirmation of a risky sign-in (/api/v1/devices/confirm).
    {"known_device.confirm_title", "Confirm this device", "Confirmar este dispositivo"},
    {"known_device.confirm_text", "Confirm only if you just tried to sign in. Then sign in again on that device.",
     "Confirma solo si acabas de intentar iniciar sesión. Después vuelve a iniciar sesión en ese dispositivo."},
    {"known_device.invalid_title", "Invalid link", "Enlace no válido"},
    {"known_device.invalid", "This confirmation link is incomplete.", "Este enlace de confirmación está incompleto."},
    {"known_device.confirmed_title", "Device confirmed", "Dispositivo confirmado"},
    {"known_device.confirmed", "This device is now trusted. Sign in again on it.",
     "Ahora este dispositivo es de confianza. Vuelve a iniciar sesión en él."},
    // Account console (/account).
    {"account.page_title", "Account", "Cuenta"},
    {"account.heading", "Your {app} account", "Tu cuenta de {app}"},
    {"account.signed_in_as", "Signed in as {name}.", "Sesión iniciada como {name}."},
    {"account.sign_out", "Sign out", "Cerrar sesión"},
    {"account.sections", "Sections", "Secciones"},
    {"account.never", "never", "nunca"},
    {"account.unknown", "unknown", "desconocido"},
    {"account.actions", "Actions", "Acciones"},
    {"account.remove", "Remove", "Quitar"},
    {"profile.title", "Profile", "Perfil"},
    {"profile.email", "Email:", "Correo electrónico:"},
    {"profile.not_verified", "(not verified)", "(sin verificar)"},
    {"profile.first_name", "First name", "Nombre"},
    {"profile.last_name", "Last name", "Apellidos"},
    {"profile.display_name", "Display name", "Nombre visible"},
    {"profile.username", "Username", "Nombre de usuario"},
    {"profile.phone", "Phone", "Teléfono"},
    {"profile.locale", "Language (e.g. en, es-MX)", "Idioma (p. ej. en, es-MX)"},
    {"profile.timezone", "Time zone (e.g. Europe/Madrid)", "Zona horaria (p. ej. Europe/Madrid)"},
    {"profile.save", "Save profile", "Guardar perfil"},
    {"email.change_title", "Change email address", "Cambiar la dirección de correo"},
    {"email.new", "New email address", "Nueva dirección de correo"},
    {"email.how", "We send a link to the new address; the change happens when it is opened.",
     "Enviamos un enlace a la nueva dirección; el cambio se hace cuando se abre."},
    {"email.send", "Send confirmation link", "Enviar enlace de confirmación"},
    {"email.confirm_title", "Confirm email address", "Confirmar la dirección de correo"},
    {"email.confirm_heading", "Confirm your new email address", "Confirma tu nueva dirección de correo"},
    {"email.confirm_button", "Use this address for my account", "Usar esta dirección para mi cuenta"},
    {"email.changed_title", "Email address changed", "Dirección de correo cambiada"},
    {"email.changed", "Your account now uses {email}. Sign in with it from now on.",
     "Tu cuenta ahora usa {email}. Inicia sesión con esa dirección a partir de ahora."},
    {"password.title", "Password", "Contraseña"},
    {"password.current", "Current password", "Contraseña actual"},
    {"password.new", "New password", "Nueva contraseña"},
    {"password.again", "New password again", "Repite la nueva contraseña"},
    {"password.signs_out", "Changing it signs out your other sessions.", "Al cambiarla se cierran tus otras sesiones."},
    {"password.change", "Change password", "Cambiar contraseña"},
    {"totp.title", "Two-step verification", "Verificación en dos pasos"},
    {"totp.off", "Off. Add an authenticator app (TOTP) to ask for a code after your password.",
     "Desactivada. Añade una aplicación de autenticación (TOTP) para pedir un código después de tu contraseña."},
    {"totp.set_up", "Set up an authenticator app", "Configurar una aplicación de autenticación"},
    {"totp.on_since", "On since {date}. Backup codes left: {count}.", "Activada desde {date}. Códigos de respaldo restantes: {count}."},
    {"totp.code_from_app", "Code from your app", "Código de tu aplicación"},
    {"totp.new_backup_codes", "New backup codes", "Nuevos códigos de respaldo"},
    {"totp.code_or_backup", "Code from your app (or a backup code)", "Código de tu aplicación (o un código de respaldo)"},
    {"totp.turn_off", "Turn off two-step verification", "Desactivar la verificación en dos pasos"},
    {"totp.setup_title", "Authenticator app", "Aplicación de autenticación"},
    {"totp.scan", "Scan this code with your authenticator app, or type the key below into it.",
     "Escanea este código con tu aplicación de autenticación o escribe en ella la clave de abajo."},
    {"totp.qr_label", "QR code of the authenticator key", "Código QR de la clave de autenticación"},
    {"totp.key", "Key:", "Clave:"},
    {"totp.current_code", "The 6-digit code your app shows now", "El código de 6 dígitos que muestra ahora tu aplicación"},
    {"totp.turn_on", "Turn on", "Activar"},
    {"totp.cancel", "Cancel", "Cancelar"},
    {"backup.title", "Backup codes", "Códigos de respaldo"},
    {"backup.heading", "Your backup codes", "Tus códigos de respaldo"},
    {"backup.explain", "Each code signs you in once if you lose your phone. Keep them somewhere safe: they are shown only now.",
     "Cada código te permite iniciar sesión una vez si pierdes tu teléfono. Guárdalos en un lugar seguro: solo se muestran ahora."},
    {"backup.back", "Back to your account", "Volver a tu cuenta"},
    {"passkeys.title", "Passkeys", "Llaves de acceso"},
    {"passkeys.none", "No passkeys yet.", "Todavía no tienes llaves de acceso."},
    {"passkeys.caption", "Your passkeys", "Tus llaves de acceso"},
    {"passkeys.name", "Name", "Nombre"},
    {"passkeys.added", "Added", "Añadida"},
    {"passkeys.last_used", "Last used", "Último uso"},
    {"passkeys.cloned", "(possibly cloned)", "(posiblemente clonada)"},
    {"passkeys.new_name", "New name", "Nuevo nombre"},
    {"passkeys.rename", "Rename", "Renombrar"},
    {"passkeys.remove_label", "Remove passkey {name}", "Quitar la llave de acceso {name}"},
    {"passkeys.name_for_new", "Name for a new passkey", "Nombre de la nueva llave de acceso"},
    {"passkeys.default_name", "Passkey", "Llave de acceso"},
    {"passkeys.add", "Add a passkey", "Añadir una llave de acceso"},
    {"passkeys.needs_js", "Adding a passkey needs JavaScript (the browser's WebAuthn API).",
     "Para añadir una llave de acceso se necesita JavaScript (la API WebAuthn del navegador)."},
    {"passkeys.unsupported", "This browser cannot create passkeys.", "Este navegador no puede crear llaves de acceso."},
    {"passkeys.not_added", "The passkey was not added:", "No se añadió la llave de acceso:"},
    {"sessions.title", "Signed-in sessions", "Sesiones iniciadas"},
    {"sessions.caption", "Where your account is signed in", "Dónde está iniciada tu cuenta"},
    {"sessions.device", "Device", "Dispositivo"},
    {"sessions.ip", "IP address", "Dirección IP"},
    {"sessions.signed_in", "Signed in", "Inicio de sesión"},
    {"sessions.last_active", "Last active", "Última actividad"},
    {"sessions.this_browser", "(this browser)", "(este navegador)"},
    {"sessions.sign_out", "Sign out", "Cerrar sesión"},
    {"sessions.sign_out_label", "Sign out session from {ip}", "Cerrar la sesión desde {ip}"},
    {"sessions.sign_out_others", "Sign out all other sessions", "Cerrar todas las demás sesiones"},
    {"devices.title", "Devices", "Dispositivos"},
    {"devices.explain", "Browsers and apps that signed in to your account. A sign-in that looks risky on a device you do not trust asks for more proof.",
     "Navegadores y aplicaciones que iniciaron sesión en tu cuenta. Un inicio de sesión que parece arriesgado en un dispositivo en el que no confías pide más pruebas."},
    {"devices.none", "No devices yet.", "Todavía no hay dispositivos."},
    {"devices.caption", "Your devices", "Tus dispositivos"},
    {"devices.last_ip", "Last IP address", "Última dirección IP"},
    {"devices.last_seen", "Last seen", "Visto por última vez"},
    {"devices.trusted", "Trusted", "De confianza"},
    {"devices.no", "no", "no"},
    {"devices.since", "since {date}", "desde {date}"},
    {"devices.unknown", "unknown device", "dispositivo desconocido"},
    {"devices.trust", "Trust", "Confiar"},
    {"devices.trust_label", "Trust {name}", "Confiar en {name}"},
    {"devices.remove_label", "Remove {name}", "Quitar {name}"},
    {"linked.title", "Linked accounts", "Cuentas vinculadas"},
    {"linked.none", "No accounts at other providers are linked.", "No hay cuentas de otros proveedores vinculadas."},
    {"linked.caption", "Accounts you sign in with", "Cuentas con las que inicias sesión"},
    {"linked.provider", "Provider", "Proveedor"},
    {"linked.account", "Account", "Cuenta"},
    {"linked.unlink", "Unlink", "Desvincular"},
    {"linked.unlink_label", "Unlink {name}", "Desvincular {name}"},
    {"apps.title", "Applications", "Aplicaciones"},
    {"apps.none", "You have not allowed any application to access your account.",
     "No has permitido a ninguna aplicación acceder a tu cuenta."},
    {"apps.caption", "Applications you allowed", "Aplicaciones a las que diste permiso"},
    {"apps.application", "Application", "Aplicación"},
    {"apps.access", "Access", "Acceso"},
    {"apps.allowed", "Allowed", "Permitida"},
    {"apps.revoke", "Revoke access", "Revocar el acceso"},
    {"apps.revoke_label", "Revoke access of {name}", "Revocar el acceso de {name}"},
    {"notice.profile", "Your profile was saved.", "Se guardó tu perfil."},
    {"notice.email_sent", "We sent a link to the new address; open it to finish the change.",
     "Enviamos un enlace a la nueva dirección; ábrelo para terminar el cambio."},
    {"notice.password", "Your password was changed; your other sessions were signed out.",
     "Se cambió tu contraseña; se cerraron tus otras sesiones."},
    {"notice.totp", "Two-step verification is on.", "La verificación en dos pasos está activada."},
    {"notice.totp_off", "Two-step verification is off.", "La verificación en dos pasos está desactivada."},
    {"notice.passkey_added", "The passkey was added.", "Se añadió la llave de acceso."},
    {"notice.passkey_renamed", "The passkey was renamed.", "Se renombró la llave de acceso."},
    {"notice.passkey_removed", "The passkey was removed.", "Se quitó la llave de acceso."},
    {"notice.session", "The session was signed out.", "Se cerró la sesión."},
    {"notice.sessions", "All your other sessions were signed out.", "Se cerraron todas tus otras sesiones."},
    {"notice.device_trusted", "The device is trusted.", "El dispositivo es de confianza."},
    {"notice.device_removed", "The device was removed; it counts as new at its next sign-in.",
     "Se quitó el dispositivo; contará como nuevo en su próximo inicio de sesión."},
    {"notice.unlinked", "The account was unlinked.", "Se desvinculó la cuenta."},
    {"notice.revoked", "The application's access was revoked.", "Se revocó el acceso de la aplicación."},
    {"account.passwords_differ", "The two new passwords differ.", "Las dos contraseñas nuevas no coinciden."},
    {"account.use_sign_out", "Use Sign out to end this browser's session.",
     "Usa Cerrar sesión para terminar la sesión de este navegador."},
    {"account.form_malformed", "The form was malformed; nothing was changed.",
     "El formulario no era válido; no se cambió nada."},
    {"account.form_expired", "This form had expired; nothing was changed. Please try again.",
     "Este formulario había caducado; no se cambió nada. Inténtalo de nuevo."},
    // Errors of the services, by code, for readers of other languages than English.
    {"error.BAD_REQUEST", "The request is not valid.", "La solicitud no es válida."},
    {"error.VALIDATION_ERROR", "Some of the values are not valid.", "Algunos de los valores no son válidos."},
    {"error.AUTHENTICATION_ERROR", "The email, username or password is not correct.",
     "El correo, el nombre de usuario o la contraseña no son correctos."},
    {"error.TOKEN_ERROR", "The link or code is not valid or has expired.", "El enlace o el código no es válido o ha caducado."},
    {"error.AUTHORIZATION_ERROR", "You are not allowed to do this.", "No tienes permiso para hacer esto."},
    {"error.NOT_FOUND_ERROR", "It was not found.", "No se encontró."},
    {"error.CONFLICT_ERROR", "It is already in use.", "Ya está en uso."},
    {"error.PAYLOAD_TOO_LARGE", "It is too large.", "Es demasiado grande."},
    {"error.ACCOUNT_LOCKED", "The account is locked for a while after too many failed attempts.",
     "La cuenta está bloqueada un tiempo tras demasiados intentos fallidos."},
    {"error.RATE_LIMIT_ERROR", "Too many attempts. Please wait a moment and try again.",
     "Demasiados intentos. Espera un momento e inténtalo de nuevo."},
    {"error.SERVICE_UNAVAILABLE", "The service is unavailable right now. Please try again later.",
     "El servicio no está disponible ahora. Inténtalo más tarde."},
    {"error.INTERNAL_ERROR", "Something went wrong on our side. Please try again.",
     "Algo falló de nuestro lado. Inténtalo de nuevo."},
    {"error.SSO_AUTHENTICATION_ERROR", "The sign-in at your organization did not succeed.",
     "El inicio de sesión en tu organización no se completó."},
    {"error.SSO_VALIDATION_ERROR", "The answer of your organization's sign-in could not be checked.",
     "No se pudo comprobar la respuesta del inicio de sesión de tu organización."},
    {"error.SSO_CONFIGURATION_ERROR", "Single sign-on is not set up correctly for your organization.",
     "El inicio de sesión único no está bien configurado para tu organización."},
    {"error.SSO_METADATA_ERROR", "Single sign-on is not set up correctly for your organization.",
     "El inicio de sesión único no está bien configurado para tu organización."},
    {"error.SSO_CERTIFICATE_ERROR", "The certificate of your organization's sign-in is not valid.",
     "El certificado del inicio de sesión de tu organización no es válido."},
    {"error.SSO_PROVISIONING_ERROR", "Your account could not be set up from your organization's sign-in.",
     "No se pudo crear tu cuenta a partir del inicio de sesión de tu organización."},
    // Emails (core/mail/templates.cpp).
    {"mail.button_fallback", "If the button does not work, copy this link into your browser:",
     "Si el botón no funciona, copia este enlace en tu navegador:"},
    {"mail.minute", "{count} minute", "{count} minuto"},
    {"mail.minutes", "{count} minutes", "{count} minutos"},
    {"mail.hour", "{count} hour", "{count} hora"},
    {"mail.hours", "{count} hours", "{count} horas"},
    {"mail.day", "{count} day", "{count} día"},
    {"mail.days", "{count} days", "{count} días"},
    {"mail.verify.subject", "Verify your email address for {app}", "Verifica tu dirección de correo en {app}"},
    {"mail.verify.intro", "Please confirm that {email} is your email address for {app} by opening this link:",
     "Confirma que {email} es tu dirección de correo en {app} abriendo este enlace:"},
    {"mail.verify.action", "Verify email address", "Verificar la dirección de correo"},
    {"mail.verify.outro", "The link expires in {duration}. If you did not sign up, you can ignore this email.",
     "El enlace caduca en {duration}. Si no te registraste, puedes ignorar este correo."},
    {"mail.email_change.subject", "Confirm your new email address for {app}", "Confirma tu nueva dirección de correo en {app}"},
    {"mail.email_change.intro", "Someone asked to use {email} as the email address of a {app} account. To confirm the change, open this link:",
     "Alguien pidió usar {email} como dirección de correo de una cuenta de {app}. Para confirmar el cambio, abre este enlace:"},
    {"mail.email_change.action", "Confirm new address", "Confirmar la nueva dirección"},
    {"mail.email_change.outro", "The link expires in {duration}. If you did not ask for this, ignore this email: nothing changes.",
     "El enlace caduca en {duration}. Si no lo pediste, ignora este correo: no cambiará nada."},
    {"mail.email_changed.subject", "Your {app} email address was changed", "Se cambió tu dirección de correo de {app}"},
    {"mail.email_changed.intro", "The email address of your {app} account was changed from {old} to {new}. Your account:",
     "La dirección de correo de tu cuenta de {app} cambió de {old} a {new}. Tu cuenta:"},
    {"mail.email_changed.action", "Review your account", "Revisar tu cuenta"},
    {"mail.email_changed.outro", "If you did not do this, reset your password and contact your administrator now.",
     "Si no fuiste tú, restablece tu contraseña y contacta ahora con tu administrador."},
    {"mail.reset.subject", "Reset your {app} password", "Restablece tu contraseña de {app}"},
    {"mail.reset.intro", "Someone asked to reset the password of your {app} account. To choose a new password, open this link:",
     "Alguien pidió restablecer la contraseña de tu cuenta de {app}. Para elegir una contraseña nueva, abre este enlace:"},
    {"mail.reset.action", "Reset password", "Restablecer la contraseña"},
    {"mail.reset.outro", "The link expires in {duration}. If you did not ask for this, ignore this email: your password stays unchanged.",
     "El enlace caduca en {duration}. Si no lo pediste, ignora este correo: tu contraseña no cambia."},
    {"mail.magic.subject", "Your sign-in link for {app}", "Tu enlace para iniciar sesión en {app}"},
    {"mail.magic.intro", "Open this link to sign in to {app}:", "Abre este enlace para iniciar sesión en {app}:"},
    {"mail.magic.action", "Sign in", "Iniciar sesión"},
    {"mail.magic.outro", "The link works once and expires in {duration}. If you did not ask to sign in, you can ignore this email.",
     "El enlace funciona una vez y caduca en {duration}. Si no pediste iniciar sesión, puedes ignorar este correo."},
    {"mail.new_signin.subject", "New sign-in to your {app} account", "Nuevo inicio de sesión en tu cuenta de {app}"},
    {"mail.new_signin.intro", "Your account was just signed in to from a device it had not used before. {detail} If this was you, there is nothing to do. If it was not, reset your password now:",
     "Se acaba de iniciar sesión en tu cuenta desde un dispositivo que no había usado antes. {detail} Si fuiste tú, no tienes que hacer nada. Si no, restablece tu contraseña ahora:"},
    {"mail.new_signin.action", "Reset my password", "Restablecer mi contraseña"},
    {"mail.new_signin.outro", "You can see and remove the devices of your account in your account settings.",
     "Puedes ver y quitar los dispositivos de tu cuenta en la configuración de tu cuenta."},
    {"mail.device_confirm.subject", "Confirm a sign-in to {app}", "Confirma un inicio de sesión en {app}"},
    {"mail.device_confirm.intro", "Someone signed in to your account with your password, from a device or place that looks unusual. {detail} If this was you, confirm the device with this link, then sign in again:",
     "Alguien inició sesión en tu cuenta con tu contraseña desde un dispositivo o un lugar poco habitual. {detail} Si fuiste tú, confirma el dispositivo con este enlace y vuelve a iniciar sesión:"},
    {"mail.device_confirm.action", "Confirm this device", "Confirmar este dispositivo"},
    {"mail.device_confirm.outro", "The link works once and expires in {duration}. If this was not you, do not open it, and change your password.",
     "El enlace funciona una vez y caduca en {duration}. Si no fuiste tú, no lo abras y cambia tu contraseña."},
    {"mail.invitation.subject", "You are invited to join {organization} on {app}", "Te invitan a unirte a {organization} en {app}"},
    {"mail.invitation.intro", "You have been invited to join {organization} on {app}. To accept the invitation, open this link:",
     "Te han invitado a unirte a {organization} en {app}. Para aceptar la invitación, abre este enlace:"},
    {"mail.invitation.intro_by", "{inviter} invited you to join {organization} on {app}. To accept the invitation, open this link:",
     "{inviter} te invitó a unirte a {organization} en {app}. Para aceptar la invitación, abre este enlace:"},
    {"mail.invitation.action", "Accept invitation", "Aceptar la invitación"},
    {"mail.invitation.outro", "If you did not expect this invitation, you can ignore this email.",
     "Si no esperabas esta invitación, puedes ignorar este correo."},
};
// clang-format on

struct Index {
    std::unordered_map<std::string_view, const Entry*> by_key;
    std::vector<std::string> keys;
};

const Index& index() {
    static const Index built = [] {
        Index i;
        for (const auto& e : k_catalog) {
            i.by_key.emplace(e.key, &e);
            i.keys.emplace_back(e.key);
        }
        return i;
    }();
    return built;
}

const char* shipped(const Entry& e, const std::string& locale) { return locale == "es" ? e.es : e.en; }

}  // namespace

Text::Text(std::string locale, std::shared_ptr<const Overrides> overrides)
    : m_locale(is_supported(locale) ? std::move(locale) : supported_locales().front()), m_overrides(std::move(overrides)) {}

std::string Text::operator()(std::string_view key) const { return (*this)(key, {}); }

std::string Text::operator()(std::string_view key, Vars vars) const {
    if (m_overrides) {
        auto own = m_overrides->find(std::string(key));
        if (own != m_overrides->end()) return fill(own->second, vars);
    }
    const auto& by_key = index().by_key;
    auto entry = by_key.find(key);
    if (entry == by_key.end()) {
        // A key missing from the catalog is a bug; showing the key keeps the page usable.
        log::warn("i18n: no catalog entry", {{"key", std::string(key)}});
        return std::string(key);
    }
    return fill(shipped(*entry->second, m_locale), vars);
}

std::string Text::error(const Error& e) const {
    if (m_locale == "en") return e.message;
    const std::string key = std::string("error.") + error_code_name(e.code);
    return index().by_key.count(key) ? (*this)(key) : e.message;
}

std::string Text::duration_minutes(int minutes) const {
    const auto count = [&](int n, const char* one, const char* many) {
        return (*this)(n == 1 ? one : many, {{"count", std::to_string(n)}});
    };
    if (minutes % 1440 == 0) return count(minutes / 1440, "mail.day", "mail.days");
    if (minutes % 60 == 0) return count(minutes / 60, "mail.hour", "mail.hours");
    return count(minutes, "mail.minute", "mail.minutes");
}

std::string fill(std::string_view text, Vars vars) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto open = text.find('{', at);
        const auto close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) break;
        out.append(text.substr(at, open - at));
        const std::string_view name = text.substr(open + 1, close - open - 1);
        const auto* var = std::find_if(vars.begin(), vars.end(), [&](const auto& v) { return v.first == name; });
        if (var != vars.end()) out += var->second;
        else out.append(text.substr(open, close - open + 1));
        at = close + 1;
    }
    if (at < text.size()) out.append(text.substr(at));
    return out;
}

const std::vector<std::string>& catalog_keys() { return index().keys; }

nlohmann::json catalog_json(const std::string& locale, const Overrides* overrides) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& e : k_catalog) out[e.key] = shipped(e, locale);
    if (overrides)
        for (const auto& [key, text] : *overrides) out[key] = text;
    return out;
}

std::vector<std::string> placeholders_of(std::string_view text) {
    std::vector<std::string> names;
    std::size_t at = 0;
    while ((at = text.find('{', at)) != std::string_view::npos) {
        const auto close = text.find('}', at);
        if (close == std::string_view::npos) break;
        names.emplace_back(text.substr(at + 1, close - at - 1));
        at = close + 1;
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace janua::i18n
