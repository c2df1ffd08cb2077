package io.github.flowisesso.flowise;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.AccessTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.github.flowisesso.testsupport.Accounts;
import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.GroupRepresentation;

/**
 * Flowise trusts Keycloak's tokens: Flowise's side (its OIDC proxy) is played by Nimbus OAuth 2.0 / OpenID Connect
 * SDK, a standard relying-party library, configured only from Keycloak's discovery document and the shipped
 * {@code flowise} client (confidential, client_secret_basic, PKCE S256). ID tokens are validated as a certified RP
 * does (signature from the JWKS, iss, aud, exp/iat, nonce, at_hash); the claims are those the README documents.
 */
@ExtendWith(KeycloakExtension.class)
class FlowiseTokenContractIT {

    private static final String PASSWORD = "Correct-Horse-Battery-42";

    @Nested
    class TheDiscoveryDocument {

        @Test
        void offersWhatFlowisesRelyingPartyUses(TestEnvironment env) {
            RelyingParty rp = new RelyingParty(env);
            OIDCProviderMetadata op = rp.op;

            assertThat(op.getIssuer().getValue()).isEqualTo(env.keycloak().browserUrl() + "/realms/" + TestEnvironment.REALM);
            assertThat(op.getResponseTypes()).contains(ResponseType.CODE);
            assertThat(op.getGrantTypes()).contains(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN);
            assertThat(op.getCodeChallengeMethods()).contains(CodeChallengeMethod.S256);
            assertThat(op.getTokenEndpointAuthMethods()).contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
            assertThat(op.getIDTokenJWSAlgs()).contains(JWSAlgorithm.RS256);
            assertThat(op.getEndSessionEndpointURI()).isNotNull();
            assertThat(op.getUserInfoEndpointURI()).isNotNull();
            assertThat(op.getJWKSetURI()).isNotNull();
        }
    }

    @Nested
    class GivenAnInvitedSsoUser {

        @Test
        void theIdTokenPassesACertifiedRpsChecksAndCarriesTheDocumentedClaims(TestEnvironment env) throws Exception {
            Invitee invitee = invitee(env);
            RelyingParty rp = new RelyingParty(env);

            try (Login login = rp.signInThroughEntra(invitee.entra())) {
                IDTokenClaimsSet id = login.idClaims();
                assertThat(id.getIssuer().getValue()).isEqualTo(rp.op.getIssuer().getValue());
                assertThat(id.getAudience()).extracting(a -> a.getValue()).containsExactly("flowise");
                assertThat(id.getNonce()).isEqualTo(login.nonce());
                assertThat(id.getExpirationTime()).isInTheFuture();
                assertThat(id.getSubject().getValue()).isEqualTo(invitee.userId(env));
                AccessTokenValidator.validate(login.tokens().getAccessToken(), JWSAlgorithm.RS256, id.getAccessTokenHash());

                assertDocumentedClaims(id.toJSONObject(), invitee, "SSO");
                assertDocumentedClaims(rp.userInfo(login.tokens().getBearerAccessToken()).toJSONObject(), invitee, "SSO");
            }
        }

        @Test
        void aTamperedNonceOrAnotherAudienceIsRejected(TestEnvironment env) throws Exception {
            RelyingParty rp = new RelyingParty(env);
            try (Login login = rp.signInThroughEntra(invitee(env).entra())) {
                assertThatThrownBy(() -> rp.validator().validate(login.tokens().getIDToken(), new Nonce()))
                    .isInstanceOf(BadJOSEException.class).hasMessageContaining("nonce");
                IDTokenValidator otherClient = new IDTokenValidator(rp.op.getIssuer(), new ClientID("another-app"),
                    JWSAlgorithm.RS256, rp.op.getJWKSetURI().toURL());
                assertThatThrownBy(() -> otherClient.validate(login.tokens().getIDToken(), login.nonce()))
                    .isInstanceOf(BadJOSEException.class).hasMessageContaining("audience");
            }
        }

        @Test
        void refreshingGivesValidTokensForTheSamePerson(TestEnvironment env) throws Exception {
            RelyingParty rp = new RelyingParty(env);
            try (Login login = rp.signInThroughEntra(invitee(env).entra())) {
                OIDCTokens refreshed = rp.refresh(login.tokens().getRefreshToken()).getOIDCTokens();

                IDTokenClaimsSet again = rp.validator().validate(refreshed.getIDToken(), null);
                assertThat(again.getSubject()).isEqualTo(login.idClaims().getSubject());
                assertThat(again.getIssuer()).isEqualTo(login.idClaims().getIssuer());
                assertThat(again.getStringClaim("login_type")).isEqualTo("SSO");
                assertThat(refreshed.getAccessToken().getValue()).isNotEqualTo(login.tokens().getAccessToken().getValue());
                assertThat(rp.userInfo(refreshed.getBearerAccessToken()).getEmailAddress())
                    .isEqualTo(login.idClaims().getStringClaim("email"));
            }
        }

        @Test
        void rpInitiatedLogoutEndsTheKeycloakSessionAndReturnsToFlowise(TestEnvironment env) throws Exception {
            Invitee invitee = invitee(env);
            RelyingParty rp = new RelyingParty(env);
            try (Login login = rp.signInThroughEntra(invitee.entra())) {
                String userId = login.idClaims().getSubject().getValue();
                assertThat(env.realm().users().get(userId).getUserSessions()).hasSize(1);

                State state = new State();
                URI logout = new LogoutRequest(rp.op.getEndSessionEndpointURI(), login.tokens().getIDToken(),
                    rp.postLogoutRedirect, state).toURI();
                Page landing = login.browser().get(logout.toString());

                URI back = landing.getUrl().toURI();
                assertThat(back.getScheme() + "://" + back.getAuthority() + back.getPath()).isEqualTo(rp.postLogoutRedirect.toString());
                assertThat(back.getQuery()).isEqualTo("state=" + state.getValue());
                assertThat(env.realm().users().get(userId).getUserSessions()).isEmpty();
                assertInvalidGrant(rp.refreshResponse(login.tokens().getRefreshToken()));

                // The browser has no Keycloak session any more: signing in again asks Entra again.
                Page again = login.browser().get(rp.authenticationRequest(new State(), new Nonce(), new CodeVerifier(), TestEnvironment.IDP_ALIAS).toString());
                assertThat(again.getUrl().toString()).startsWith(env.entra().authorityHost());
            }
        }

        @Test
        void afterAnAdminRevokesTheSessionsRefreshAndUserinfoFail(TestEnvironment env) throws Exception {
            RelyingParty rp = new RelyingParty(env);
            try (Login login = rp.signInThroughEntra(invitee(env).entra())) {
                String userId = login.idClaims().getSubject().getValue();

                env.realm().users().get(userId).logout();

                assertInvalidGrant(rp.refreshResponse(login.tokens().getRefreshToken()));
                HTTPResponse userInfo = new UserInfoRequest(rp.op.getUserInfoEndpointURI(), login.tokens().getBearerAccessToken())
                    .toHTTPRequest().send();
                assertThat(userInfo.getStatusCode()).as(userInfo.getBody()).isEqualTo(401);
            }
        }
    }

    @Nested
    class GivenAPasswordUser {

        @Test
        void theirTokensSayLoginTypePassword(TestEnvironment env) throws Exception {
            String email = "pw-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String userId = createPasswordUser(env, email);
            RelyingParty rp = new RelyingParty(env);

            try (Login login = rp.signInWithPassword(email, PASSWORD)) {
                IDTokenClaimsSet id = login.idClaims();
                assertThat(id.getSubject().getValue()).isEqualTo(userId);
                assertThat(id.getStringClaim("email")).isEqualTo(email);
                assertThat(id.getBooleanClaim("email_verified")).isTrue();
                assertThat(id.getStringClaim("login_type")).isEqualTo("PASSWORD");
                assertThat(id.getStringListClaim("roles")).containsExactly("viewer");
                assertThat(rp.userInfo(login.tokens().getBearerAccessToken()).getStringClaim("login_type")).isEqualTo("PASSWORD");
            }
        }
    }

    // --- the relying party (Flowise's OIDC proxy) ---

    /** A sign-in that ended with validated tokens; the browser keeps the Keycloak session cookie. */
    record Login(Browser browser, OIDCTokens tokens, Nonce nonce, IDTokenClaimsSet idClaims) implements AutoCloseable {
        @Override
        public void close() {
            browser.close();
        }
    }

    /** Configured from discovery and the shipped client only, as Flowise's proxy is. */
    static final class RelyingParty {

        final TestEnvironment env;
        final OIDCProviderMetadata op;
        final ClientID clientId = new ClientID("flowise");
        final ClientSecretBasic clientAuth;
        final URI redirect;
        final URI postLogoutRedirect;

        RelyingParty(TestEnvironment env) {
            this.env = env;
            try {
                // What a browser and the proxy call Keycloak (KC_HOSTNAME); resolve() checks the issuer matches.
                this.op = OIDCProviderMetadata.resolve(new Issuer(env.keycloak().browserUrl() + "/realms/" + TestEnvironment.REALM));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (com.nimbusds.oauth2.sdk.GeneralException e) {
                throw new IllegalStateException(e);
            }
            this.clientAuth = new ClientSecretBasic(clientId, new Secret(env.flowiseClientSecret()));
            this.redirect = URI.create(env.flowise().callbackUrl());
            this.postLogoutRedirect = URI.create(env.flowise().url() + "/");
        }

        URI authenticationRequest(State state, Nonce nonce, CodeVerifier verifier, String idpHint) {
            AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "email", "profile"), clientId, redirect)
                .endpointURI(op.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
            if (idpHint != null) {
                request.customParameter("kc_idp_hint", idpHint);
            }
            return request.build().toURI();
        }

        Login signInThroughEntra(EntraUser user) throws Exception {
            State state = new State();
            Nonce nonce = new Nonce();
            CodeVerifier verifier = new CodeVerifier();
            Browser browser = env.browser();
            try {
                Page entraPage = browser.get(authenticationRequest(state, nonce, verifier, TestEnvironment.IDP_ALIAS).toString());
                Page landing = browser.signInAtEntra((HtmlPage) entraPage, user);
                return finish(browser, landing, state, nonce, verifier);
            } catch (Exception | AssertionError e) {
                browser.close();
                throw e;
            }
        }

        Login signInWithPassword(String username, String password) throws Exception {
            State state = new State();
            Nonce nonce = new Nonce();
            CodeVerifier verifier = new CodeVerifier();
            Browser browser = env.browser();
            try {
                HtmlPage loginPage = (HtmlPage) browser.get(authenticationRequest(state, nonce, verifier, null).toString());
                HtmlForm form = (HtmlForm) loginPage.getElementById("kc-form-login");
                assertThat(form).as("Keycloak's login form on " + loginPage.getUrl()).isNotNull();
                form.getInputByName("username").setValue(username);
                form.getInputByName("password").setValue(password);
                Page landing = form.getButtonByName("login").click();
                return finish(browser, landing, state, nonce, verifier);
            } catch (Exception | AssertionError e) {
                browser.close();
                throw e;
            }
        }

        /** The callback: response parsed and state checked, code redeemed with the verifier, ID token validated. */
        private Login finish(Browser browser, Page landing, State state, Nonce nonce, CodeVerifier verifier) throws Exception {
            assertThat(landing.getUrl().toString()).as("Flowise's callback, got:\n" + landing.getWebResponse().getContentAsString())
                .startsWith(redirect.toString());
            AuthenticationResponse response = AuthenticationResponseParser.parse(landing.getUrl().toURI());
            assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
            AuthenticationSuccessResponse success = response.toSuccessResponse();
            assertThat(success.getState()).isEqualTo(state);
            AuthorizationCode code = success.getAuthorizationCode();

            OIDCTokens tokens = token(new AuthorizationCodeGrant(code, redirect, verifier)).getOIDCTokens();
            IDTokenClaimsSet claims = validator().validate(tokens.getIDToken(), nonce);
            return new Login(browser, tokens, nonce, claims);
        }

        IDTokenValidator validator() {
            try {
                return new IDTokenValidator(op.getIssuer(), clientId, JWSAlgorithm.RS256, op.getJWKSetURI().toURL());
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }

        OIDCTokenResponse refresh(RefreshToken refreshToken) throws IOException, ParseException {
            return token(new RefreshTokenGrant(refreshToken));
        }

        TokenResponse refreshResponse(RefreshToken refreshToken) throws IOException, ParseException {
            return OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), clientAuth,
                new RefreshTokenGrant(refreshToken)).toHTTPRequest().send());
        }

        private OIDCTokenResponse token(AuthorizationGrant grant) throws IOException, ParseException {
            TokenResponse response = OIDCTokenResponseParser.parse(
                new TokenRequest(op.getTokenEndpointURI(), clientAuth, grant).toHTTPRequest().send());
            if (!response.indicatesSuccess()) {
                throw new AssertionError("token endpoint refused " + grant.getType() + ": "
                    + response.toErrorResponse().getErrorObject().toJSONObject());
            }
            return (OIDCTokenResponse) response.toSuccessResponse();
        }

        UserInfo userInfo(BearerAccessToken accessToken) throws IOException, ParseException {
            UserInfoResponse response = UserInfoResponse.parse(new UserInfoRequest(op.getUserInfoEndpointURI(), accessToken)
                .toHTTPRequest().send());
            if (!response.indicatesSuccess()) {
                throw new AssertionError("userinfo refused: " + response.toErrorResponse().getErrorObject().toJSONObject());
            }
            return response.toSuccessResponse().getUserInfo();
        }
    }

    // --- fixtures and assertions ---

    record Invitee(String email, String group, EntraUser entra) {
        String userId(TestEnvironment env) {
            return env.realm().users().searchByEmail(email, true).get(0).getId();
        }
    }

    /** An SSO invitation with a Flowise role and a group, and the Entra identity that will accept it. */
    static Invitee invitee(TestEnvironment env) {
        String email = "contract-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String group = "team-" + UUID.randomUUID().toString().substring(0, 6);
        GroupRepresentation representation = new GroupRepresentation();
        representation.setName(group);
        env.realm().groups().add(representation).close();
        env.invitations().seed(invite(email).roles("member").groups("/" + group).names("Ada", "Lovelace"));
        return new Invitee(email, group, EntraUser.of(env, email));
    }

    /** What the "Token contract" table of docs/operations.md promises, in ID token and userinfo alike. */
    static void assertDocumentedClaims(Map<String, Object> claims, Invitee invitee, String loginType) {
        assertThat(claims)
            .containsEntry("email", invitee.email())
            .containsEntry("email_verified", true)
            .containsEntry("name", "Ada Lovelace")
            .containsEntry("login_type", loginType)
            .containsEntry("roles", List.of("member"))
            .containsEntry("groups", List.of("/" + invitee.group()));
    }

    static void assertInvalidGrant(TokenResponse response) {
        assertThat(response.indicatesSuccess()).as("refresh must fail").isFalse();
        TokenErrorResponse error = response.toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo(OAuth2Error.INVALID_GRANT.getCode());
    }

    static String createPasswordUser(TestEnvironment env, String email) {
        String id = Accounts.createUser(env, email, "PASSWORD", PASSWORD);
        String flowiseClient = env.realm().clients().findByClientId("flowise").get(0).getId();
        env.realm().users().get(id).roles().clientLevel(flowiseClient)
            .add(List.of(env.realm().clients().get(flowiseClient).roles().get("viewer").toRepresentation()));
        return id;
    }
}
