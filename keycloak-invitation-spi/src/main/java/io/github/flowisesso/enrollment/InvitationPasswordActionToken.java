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

    /** Cookie that binds the token to the browser that accepted the invitation. */
    static final String BINDING_COOKIE = "FLOWISE_INVITATION_BINDING";

    @JsonProperty("rdu")
    private String redirectUri;

    /** SHA-256 of the binding cookie's value: a copied link alone (history, proxy logs) is useless. */
    @JsonProperty("bnd")
    private String bindingHash;

    InvitationPasswordActionToken(String userId, String email, String clientId, String redirectUri, String bindingHash,
                                  int absoluteExpirationInSecs) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, UUID.randomUUID());
        setEmail(email);
        issuedFor(clientId);
        this.redirectUri = redirectUri;
        this.bindingHash = bindingHash;
    }

    /** For Jackson. */
    private InvitationPasswordActionToken() {
    }

    String getRedirectUri() {
        return redirectUri;
    }

    String getBindingHash() {
        return bindingHash;
    }
}
