package io.github.flowisesso.testsupport;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static org.assertj.core.api.Assertions.assertThat;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlAnchor;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * What the login-type tests do to a real server and read back from it: accounts enrolled or linked by hand, sign-ins
 * refused at a provider, the audit events, password resets, direct grants, and the shape of Keycloak's own pages.
 */
public final class LoginTypeProbes {

    public static final String PASSWORD = "Correct-Horse-Battery-42";
    public static final String USE_PASSWORD = "This account signs in with email and password, not with Microsoft.";
    public static final String DIRECT_GRANT_CLIENT = "login-type-direct-grant-probe";

    private LoginTypeProbes() {
    }

    public static String newEmail() {
        return StateAssertions.newEmail("lt");
    }

    public record Enrolled(String id, String email, EntraUser entra) {
    }

    /** An SSO user as the product makes them: invitation, first login through Entra; then signed out again. */
    public static Enrolled enrollSsoUser(TestEnvironment env) {
        String email = newEmail();
        env.invitations().seed(invite(email).names("Ada", "Lovelace"));
        EntraUser entra = EntraUser.of(env, email);
        try (Browser browser = env.browser()) {
            Browser.expectCode(browser.signIn(entra), env);
        }
        UserRepresentation user = env.realm().users().searchByEmail(email, true).get(0);
        assertThat(user.getAttributes()).containsEntry("login_type", List.of("SSO"));
        env.realm().users().get(user.getId()).logout();
        assertThat(env.realm().users().get(user.getId()).getUserSessions()).isEmpty();
        return new Enrolled(user.getId(), email, entra);
    }

    public static void setLoginType(TestEnvironment env, String userId, String loginType) {
        UserResource resource = env.realm().users().get(userId);
        UserRepresentation user = resource.toRepresentation();
        Map<String, List<String>> attributes = new HashMap<>(user.getAttributes() == null ? Map.of() : user.getAttributes());
        if (loginType == null) {
            attributes.remove("login_type");
        } else {
            attributes.put("login_type", List.of(loginType));
        }
        user.setAttributes(attributes);
        resource.update(user);
        assertThat(resource.toRepresentation().getAttributes() == null ? null
            : resource.toRepresentation().getAttributes().get("login_type"))
            .isEqualTo(loginType == null ? null : List.of(loginType));
    }

    public static void link(TestEnvironment env, String userId, EntraUser entra, String email) {
        link(env, userId, TestEnvironment.IDP_ALIAS, entra, email);
    }

    public static void link(TestEnvironment env, String userId, String alias, EntraUser entra, String email) {
        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider(alias);
        link.setUserId(entra.subject());
        link.setUserName(email);
        try (Response response = env.realm().users().get(userId).addFederatedIdentity(alias, link)) {
            assertThat(response.getStatus()).isEqualTo(204);
        }
    }

    public static final String GENERIC_OIDC = "generic-oidc";

    /**
     * Keycloak's own OIDC provider type, pointed at the Entra stand-in, with the shipped post broker login flow: how
     * an admin adds a provider that is not of type entra-id. Created once per server.
     */
    public static synchronized String genericOidcProvider(TestEnvironment env) {
        var providers = env.realm().identityProviders();
        if (providers.findAll().stream().noneMatch(p -> GENERIC_OIDC.equals(p.getAlias()))) {
            IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
            idp.setAlias(GENERIC_OIDC);
            idp.setDisplayName("Generic OIDC");
            idp.setProviderId("oidc");
            idp.setEnabled(true);
            idp.setFirstBrokerLoginFlowAlias("invitation first broker login");
            idp.setPostBrokerLoginFlowAlias("login type post broker login");
            idp.setConfig(new HashMap<>(GenericOidc.config(env.entra().issuer())));
            idp.getConfig().putAll(Map.of("clientId", "generic-oidc-client", "clientSecret", "generic-oidc-secret",
                "clientAuthMethod", "client_secret_post"));
            try (Response response = providers.create(idp)) {
                assertThat(response.getStatus()).as(() -> response.readEntity(String.class)).isEqualTo(201);
            }
        }
        return GENERIC_OIDC;
    }

    public static void refusedAfterEntra(TestEnvironment env, EntraUser entra) {
        refusedAfter(env, TestEnvironment.IDP_ALIAS, entra, USE_PASSWORD);
    }

    public static void refusedAfter(TestEnvironment env, String alias, EntraUser entra, String message) {
        try (Browser browser = env.browser()) {
            Page page = browser.signInAtEntra(browser.openSignIn(alias), entra);
            assertThat(Browser.authorizationCode(page, env)).as("no code may reach Flowise").isEmpty();
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
            assertThat(((HtmlPage) page).asNormalizedText()).contains(message);
        }
    }

    /** Everything a refusal must leave as it was. */
    public record Snapshot(int sessions, List<String> credentials, List<String> links, String loginType, Object bruteForceFailures,
                    boolean enabled) {

        public static Snapshot of(TestEnvironment env, String userId) {
            UserResource user = env.realm().users().get(userId);
            UserRepresentation rep = user.toRepresentation();
            return new Snapshot(
                user.getUserSessions().size(),
                user.credentials().stream().map(c -> c.getType() + ":" + c.getId()).sorted().toList(),
                user.getFederatedIdentity().stream().map(l -> l.getIdentityProvider() + ":" + l.getUserId()).sorted().toList(),
                rep.getAttributes() == null || rep.getAttributes().get("login_type") == null ? null
                    : String.join(",", rep.getAttributes().get("login_type")),
                env.realm().attackDetection().bruteForceUserStatus(userId).get("numFailures"),
                rep.isEnabled());
        }
    }

    public static List<String> credentialTypes(TestEnvironment env, String userId) {
        return env.realm().users().get(userId).credentials().stream().map(CredentialRepresentation::getType).toList();
    }

    public static List<EventRepresentation> events(TestEnvironment env, String userId, String type) {
        return env.realm().getEvents(List.of(type), null, userId, null, null, null, 0, 100);
    }

    public static void assertSingleRefusal(TestEnvironment env, String userId, String type, String reason) {
        List<EventRepresentation> all = env.realm().getEvents(null, null, userId, null, null, null, 0, 500);
        assertThat(all)
            .filteredOn(e -> "login_type_mismatch".equals(e.getError()) && type.equals(e.getType()))
            .as(() -> "login-type refusals for " + userId + ": " + all.stream()
                .map(e -> e.getType() + " " + e.getError() + " " + e.getDetails()).toList())
            .singleElement()
            .satisfies(e -> {
                assertThat(e.getType()).isEqualTo(type);
                assertThat(e.getDetails()).containsEntry("reason", reason);
            });
    }

    /**
     * "Forgot password?" from the login page; returns the text of the screen Keycloak answers with, the address
     * Keycloak echoes into the username field replaced by a placeholder.
     */
    public static String requestPasswordReset(TestEnvironment env, String usernameOrEmail) {
        try (Browser browser = env.browser()) {
            HtmlPage reset = click(forgotPasswordLink(browser.openLoginPage()));
            HtmlForm form = (HtmlForm) reset.getElementById("kc-reset-password-form");
            assertThat(form).as("reset form on " + reset.asNormalizedText()).isNotNull();
            form.getInputByName("username").setValue(usernameOrEmail);
            HtmlPage answer = click(reset.getHtmlElementById("kc-form-buttons"));
            assertThat(answer.getWebResponse().getStatusCode()).isEqualTo(200);
            return answer.asNormalizedText().replace(usernameOrEmail, "<address>");
        }
    }

    public static HtmlAnchor forgotPasswordLink(HtmlPage login) {
        return login.getAnchors().stream()
            .filter(a -> a.getHrefAttribute().contains("/login-actions/reset-credentials"))
            .findFirst().orElse(null);
    }

    public static HtmlPage click(HtmlElement element) {
        try {
            return element.click();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> recipients(MimeMessage message) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The flow has the built-in flow's shape (levels, order, requirements, authenticators) up to the swapped steps. */
    public static void assertSameShape(TestEnvironment env, String ours, String keycloaks, Map<String, String> swapped) {
        UnaryOperator<String> unswap = id -> swapped.getOrDefault(id, id);
        List<String> expected = shape(env, keycloaks, UnaryOperator.identity());
        List<String> actual = shape(env, ours, unswap);
        assertThat(actual).isEqualTo(expected);
        assertThat(env.realm().flows().getExecutions(ours))
            .extracting(AuthenticationExecutionInfoRepresentation::getProviderId)
            .containsAll(swapped.keySet());
    }

    private static List<String> shape(TestEnvironment env, String flow, UnaryOperator<String> unswap) {
        List<String> shape = new ArrayList<>();
        for (AuthenticationExecutionInfoRepresentation e : env.realm().flows().getExecutions(flow)) {
            String what = Boolean.TRUE.equals(e.getAuthenticationFlow()) ? "subflow" : unswap.apply(e.getProviderId());
            String config = e.getAuthenticationConfig() == null ? ""
                : " config=" + env.realm().flows().getAuthenticatorConfig(e.getAuthenticationConfig()).getConfig();
            shape.add(e.getLevel() + "." + e.getIndex() + " " + what + " " + e.getRequirement() + config);
        }
        return shape;
    }

    /** Direct access grant through a probe client that enables it (the flowise client does not). */
    public static HttpResponse<String> directGrant(TestEnvironment env, String username, String password) {
        ensureDirectGrantClient(env);
        String form = "grant_type=password&client_id=" + DIRECT_GRANT_CLIENT + "&scope=openid"
            + "&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
            + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(env.keycloak().baseUrl() + "/realms/" + TestEnvironment.REALM + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static synchronized void ensureDirectGrantClient(TestEnvironment env) {
        if (!env.realm().clients().findByClientId(DIRECT_GRANT_CLIENT).isEmpty()) {
            return;
        }
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(DIRECT_GRANT_CLIENT);
        client.setPublicClient(true);
        client.setDirectAccessGrantsEnabled(true);
        client.setStandardFlowEnabled(false);
        client.setEnabled(true);
        env.realm().clients().create(client).close();
    }
}
