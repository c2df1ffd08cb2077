package io.github.flowisesso.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.htmlunit.Page;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;

/**
 * A browser (HtmlUnit) that walks Flowise's sign-in: Flowise → Keycloak → Entra stand-in → Keycloak → Flowise,
 * with PKCE as the shipped {@code flowise} client demands.
 */
public final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestEnvironment env;
    private final WebClient web = new WebClient();
    private final String verifier = random();

    Browser(TestEnvironment env) {
        this.env = env;
        web.getOptions().setJavaScriptEnabled(false);
        web.getOptions().setCssEnabled(false);
        web.getOptions().setThrowExceptionOnFailingStatusCode(false);
        web.getOptions().setRedirectEnabled(true);
        if (Boolean.getBoolean("browser.trace")) {
            new org.htmlunit.util.WebConnectionWrapper(web) {
                @Override
                public org.htmlunit.WebResponse getResponse(org.htmlunit.WebRequest request) throws IOException {
                    org.htmlunit.WebResponse response = super.getResponse(request);
                    System.out.println("TRACE " + request.getHttpMethod() + " " + request.getUrl() + " -> " + response.getStatusCode());
                    return response;
                }
            };
        }
    }

    /** Flowise's "sign in" sends the browser to Keycloak, which goes straight on to the IdP. */
    public HtmlPage openSignIn(String idpAlias) {
        return (HtmlPage) get(authorizationRequestUrl(idpAlias));
    }

    /** Flowise's authorization request (code flow with PKCE), optionally straight to an identity provider. */
    public String authorizationRequestUrl(String idpAlias) {
        return authorizationRequestUrl(env, idpAlias, verifier);
    }

    public static String authorizationRequestUrl(TestEnvironment env, String idpAlias, String verifier) {
        return env.keycloak().browserUrl() + "/realms/" + TestEnvironment.REALM + "/protocol/openid-connect/auth"
            + "?client_id=flowise&response_type=code&scope=openid"
            + "&redirect_uri=" + enc(env.flowise().callbackUrl())
            + "&state=" + random() + "&nonce=" + random()
            + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256"
            + (idpAlias == null ? "" : "&kc_idp_hint=" + enc(idpAlias));
    }

    /** Flowise's "sign in" without an IdP hint: Keycloak's login page (password form and "Microsoft" button). */
    public HtmlPage openLoginPage() {
        String url = env.keycloak().browserUrl() + "/realms/" + TestEnvironment.REALM + "/protocol/openid-connect/auth"
            + "?client_id=flowise&response_type=code&scope=openid"
            + "&redirect_uri=" + enc(env.flowise().callbackUrl())
            + "&state=" + random() + "&nonce=" + random()
            + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256";
        return (HtmlPage) get(url);
    }

    /** Submits Keycloak's username/password form ({@code kc-form-login}); returns the page the browser ends on. */
    public Page signInWithPassword(String username, String password) {
        HtmlPage login = openLoginPage();
        HtmlForm form = (HtmlForm) login.getElementById("kc-form-login");
        if (form == null) {
            throw new IllegalStateException("Expected Keycloak's login form at " + login.getUrl() + ", got "
                + login.getWebResponse().getStatusCode() + ":\n" + login.asNormalizedText());
        }
        form.getInputByName("username").setValue(username);
        form.getInputByName("password").setValue(password);
        try {
            return form.getButtonByName("login").click();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs in at the Entra stand-in with these claims; returns the page the browser ends on. */
    public Page signInAtEntra(HtmlPage entraLoginPage, EntraUser user) {
        if (entraLoginPage.getForms().isEmpty()) {
            throw new IllegalStateException("Expected the Entra sign-in page at " + entraLoginPage.getUrl() + ", got "
                + entraLoginPage.getWebResponse().getStatusCode() + ":\n" + entraLoginPage.asNormalizedText());
        }
        HtmlForm form = entraLoginPage.getForms().get(0);
        form.getInputByName("username").setValue(user.subject());
        form.getTextAreaByName("claims").setText(write(user.claims()));
        try {
            return form.getInputByValue("Sign-in").click();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Page signIn(EntraUser user) {
        return signInAtEntra(openSignIn(TestEnvironment.IDP_ALIAS), user);
    }

    /** The invitation link as the email carries it. */
    /** The password journey of an invitation link: open it, accept, set the password (Keycloak's form). */
    public Page enrollWithPassword(String token, String password) {
        return setPassword((HtmlPage) click(openInvitation(token), "invitation-accept"), password);
    }

    /** Fills and submits Keycloak's update-password form. */
    public static Page setPassword(HtmlPage form, String password) {
        try {
            form.getElementByName("password-new").setAttribute("value", password);
            form.getElementByName("password-confirm").setAttribute("value", password);
            return ((org.htmlunit.html.HtmlElement) form.getFirstByXPath("//form//*[@type='submit']")).click();
        } catch (Exception e) {
            throw new AssertionError("expected Keycloak's update-password form at " + form.getUrl() + ":\n" + form.asNormalizedText(), e);
        }
    }

    public HtmlPage openInvitation(String token) {
        return (HtmlPage) get(invitationLink(env, token));
    }

    public static String invitationLink(TestEnvironment env, String token) {
        return env.keycloak().browserUrl() + "/realms/" + TestEnvironment.REALM + "/invitations/accept?token=" + token;
    }

    public Page click(HtmlPage page, String elementId) {
        try {
            return page.getHtmlElementById(elementId).click();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Follows redirects by hand from {@code url} and returns the first location that starts with {@code prefix}. */
    public String redirectsUntil(String url, String prefix) {
        web.getOptions().setRedirectEnabled(false);
        try {
            String current = url;
            for (int hop = 0; hop < 10; hop++) {
                String location = get(current).getWebResponse().getResponseHeaderValue("Location");
                if (location == null) {
                    throw new AssertionError("no redirect from " + current);
                }
                current = URI.create(current).resolve(location).toString();
                if (current.startsWith(prefix)) {
                    return current;
                }
            }
            throw new AssertionError("never reached " + prefix);
        } finally {
            web.getOptions().setRedirectEnabled(true);
        }
    }

    public WebClient web() {
        return web;
    }

    public Page get(String url) {
        try {
            return web.getPage(url);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The authorization code, if the page is Flowise's callback. */
    public static Optional<String> authorizationCode(Page page, TestEnvironment env) {
        String url = page.getUrl().toString();
        if (!url.startsWith(env.flowise().callbackUrl() + "?")) {
            return Optional.empty();
        }
        for (String pair : page.getUrl().getQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return Optional.of(java.net.URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /**
     * Asserts that an enrollment was handed to Flowise's relying party by a login initiation (with the realm's issuer as
     * the browser sees it and this target, no code) and that the relying party's own sign-in then got a code at the
     * end ({@code landing}).
     */
    public static void assertHandedToTheDoor(Page landing, TestEnvironment env, String target) {
        expectCode(landing, env);
        List<Map<String, String>> initiations = env.flowise().initiations();
        org.assertj.core.api.Assertions.assertThat(initiations).as("login initiations at Flowise's door").isNotEmpty();
        org.assertj.core.api.Assertions.assertThat(initiations.get(initiations.size() - 1))
            .containsEntry("iss", env.keycloak().browserUrl() + "/realms/" + TestEnvironment.REALM)
            .containsEntry("target_link_uri", target)
            .doesNotContainKey("code");
    }

    /** The code Flowise received; fails with what the browser shows instead. */
    public static String expectCode(Page page, TestEnvironment env) {
        return authorizationCode(page, env).orElseThrow(() -> new AssertionError("expected Flowise's callback, got "
            + page.getUrl() + " (" + page.getWebResponse().getStatusCode() + "):\n" + page.getWebResponse().getContentAsString()));
    }

    /** Redeems the code as Flowise would: client secret plus the PKCE verifier. */
    public Map<String, Object> redeem(String code) {
        String form = "grant_type=authorization_code&code=" + enc(code)
            + "&redirect_uri=" + enc(env.flowise().callbackUrl())
            + "&client_id=flowise&client_secret=" + enc(env.flowiseClientSecret())
            + "&code_verifier=" + enc(verifier);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(env.keycloak().baseUrl() + "/realms/" + TestEnvironment.REALM + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readValue(response.body(), new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The payload of a JWT, without verifying it (Keycloak just issued it to us over loopback). */
    public static Map<String, Object> claimsOf(String jwt) {
        try {
            byte[] payload = Base64.getUrlDecoder().decode(jwt.split("\\.")[1]);
            return JSON.readValue(payload, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        web.close();
    }
}
