package io.github.flowisesso.scim;

import com.fasterxml.jackson.core.type.TypeReference;
import io.github.flowisesso.invitation.InvitationTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.ClientManager;
import org.keycloak.services.managers.RealmManager;
import org.keycloak.util.JsonSerialization;

/**
 * The provisioning credential: Entra's *Secret Token*. Each token is 256 random bits, shown once, stored only as its
 * SHA-256 on the realm's client {@value #CLIENT_ID}; several may be valid at once, so that a new one can be pasted
 * into Entra before the old one is revoked. Changes made with any of them are the client's service account's in the
 * admin events.
 */
final class ScimCredentials {

    static final String CLIENT_ID = "flowise-scim";
    static final String TOKENS_ATTRIBUTE = "scim.tokens";
    static final int MAX_TOKENS = 5;
    private static final String BEARER = "Bearer ";
    private static final TypeReference<List<Token>> TOKEN_LIST = new TypeReference<>() { };

    /** A stored token: its id (to revoke it), its hash, and when it was made. */
    record Token(String id, String hash, long createdAt) {
    }

    /** A new token, the only time it is seen. */
    record Issued(String id, String token, long createdAt) {
    }

    private ScimCredentials() {
    }

    /** The provisioning client, when the {@code Authorization} header carries one of its tokens. */
    static Optional<ClientModel> authenticate(RealmModel realm, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(BEARER.length()).strip();
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        if (client == null || !client.isEnabled() || !InvitationTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        String hash = InvitationTokens.hash(token);
        boolean known = false;
        for (Token stored : tokens(client)) {
            known |= InvitationTokens.sameValue(stored.hash(), hash); // no early exit: constant work per token
        }
        return known ? Optional.of(client) : Optional.empty();
    }

    /** The service account in whose name provisioning changes are recorded. */
    static UserModel provisioner(KeycloakSession session, ClientModel client) {
        return session.users().getServiceAccount(client);
    }

    static List<Token> list(RealmModel realm) {
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        return client == null ? List.of() : tokens(client);
    }

    /** A new token; makes the provisioning client (with its service account) on first use. Null when there are too many. */
    static Issued issue(KeycloakSession session, RealmModel realm) {
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        if (client == null) {
            client = realm.addClient(CLIENT_ID);
            client.setName("Entra ID provisioning (SCIM)");
            client.setDescription("Holds the SCIM secret tokens; its service account is who provisioning changes are recorded as.");
            client.setProtocol("openid-connect");
            client.setPublicClient(false);
            client.setStandardFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(false);
            client.setImplicitFlowEnabled(false);
            client.setFullScopeAllowed(false);
            client.setSecret(InvitationTokens.newToken());
            new ClientManager(new RealmManager(session)).enableServiceAccount(client);
        }
        List<Token> tokens = new ArrayList<>(tokens(client));
        if (tokens.size() >= MAX_TOKENS) {
            return null;
        }
        String token = InvitationTokens.newToken();
        Issued issued = new Issued(KeycloakModelUtils.generateId(), token, Time.currentTimeMillis());
        tokens.add(new Token(issued.id(), InvitationTokens.hash(token), issued.createdAt()));
        save(client, tokens);
        return issued;
    }

    static boolean revoke(RealmModel realm, String id) {
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        if (client == null) {
            return false;
        }
        List<Token> tokens = new ArrayList<>(tokens(client));
        boolean removed = tokens.removeIf(t -> t.id().equals(id));
        if (removed) {
            save(client, tokens);
        }
        return removed;
    }

    private static List<Token> tokens(ClientModel client) {
        String json = client.getAttribute(TOKENS_ATTRIBUTE);
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return JsonSerialization.readValue(json, TOKEN_LIST);
        } catch (IOException e) {
            return List.of(); // unreadable: no token is valid, rather than any
        }
    }

    private static void save(ClientModel client, List<Token> tokens) {
        try {
            client.setAttribute(TOKENS_ATTRIBUTE, JsonSerialization.writeValueAsString(tokens));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
