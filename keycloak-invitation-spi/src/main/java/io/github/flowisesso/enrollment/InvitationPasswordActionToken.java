package io.github.flowisesso.enrollment;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.UUID;
import org.keycloak.authentication.actiontoken.DefaultActionToken;

/**
 * Carries a freshly enrolled password invitee from the invitation page to Keycloak's own update-password form,
 * and on to Flowise signed in. Single use; the user id is the subject.
 */
public final class InvitationPasswordActionToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "flowise-invitation-password";

    @JsonProperty("rdu")
    private String redirectUri;

    InvitationPasswordActionToken(String userId, String email, String clientId, String redirectUri, int absoluteExpirationInSecs) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, UUID.randomUUID());
        setEmail(email);
        issuedFor(clientId);
        this.redirectUri = redirectUri;
    }

    /** For Jackson. */
    private InvitationPasswordActionToken() {
    }

    String getRedirectUri() {
        return redirectUri;
    }
}
