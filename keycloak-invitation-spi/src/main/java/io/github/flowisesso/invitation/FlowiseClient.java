package io.github.flowisesso.invitation;

import java.util.Optional;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.utils.RedirectUtils;

/**
 * The {@value #CLIENT_ID} client and where an invitation may send someone: the one home of the redirect rule.
 * A target is what Keycloak's {@link RedirectUtils#verifyRedirectUri} accepts for that client (exact registered
 * redirect URIs), checked at creation and again at every use, since the registered URIs may change in between.
 */
public final class FlowiseClient {

    public static final String CLIENT_ID = "flowise";
    /** Realm attribute holding Flowise's public URL; the shipped realm sets it from FLOWISE_URL. */
    public static final String URL_ATTRIBUTE = "flowiseUrl";
    /** Longer targets are refused before Keycloak's check (the column holds 2,048 characters). */
    public static final int MAX_TARGET = 2048;

    private FlowiseClient() {
    }

    public static Optional<ClientModel> of(RealmModel realm) {
        return Optional.ofNullable(realm.getClientByClientId(CLIENT_ID));
    }

    /** Flowise's own URL with exactly one trailing slash, or null when the realm names none. */
    public static String defaultTarget(RealmModel realm) {
        String url = realm.getAttribute(URL_ATTRIBUTE);
        return url == null || url.isBlank() ? null : url.strip().replaceAll("/+$", "") + "/";
    }

    /** The target as Keycloak verifies it against this client's registered redirect URIs; empty when refused. */
    public static Optional<String> verify(KeycloakSession session, ClientModel client, String target) {
        if (client == null || target == null || target.length() > MAX_TARGET) {
            return Optional.empty();
        }
        return Optional.ofNullable(RedirectUtils.verifyRedirectUri(session, target, client));
    }
}
