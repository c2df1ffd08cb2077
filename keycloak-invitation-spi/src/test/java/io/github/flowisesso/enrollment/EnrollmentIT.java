package io.github.flowisesso.enrollment;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static io.github.flowisesso.testsupport.StateAssertions.assertNoAccount;
import static io.github.flowisesso.testsupport.StateAssertions.assertUntouched;
import static io.github.flowisesso.testsupport.StateAssertions.newEmail;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
class EnrollmentIT {

    private static final String NO_LONGER_VALID = "This invitation is no longer valid";
    private static final String STALE_PAGE = "This page was out of date";
    private static final String PASSWORD = "correct horse battery staple";


    @Nested
    class GivenAnInvitationLink {

        @Test
        void openingItShowsTheInvitationAndChangesNothing(TestEnvironment env) {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email));

            try (Browser browser = env.browser()) {
                HtmlPage page = browser.openInvitation(invitation.token());
                HtmlPage again = browser.openInvitation(invitation.token());

                assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
                assertThat(page.getWebResponse().getResponseHeaderValue("Cache-Control")).contains("no-store");
                assertThat(page.getWebResponse().getResponseHeaderValue("Referrer-Policy")).isEqualTo("no-referrer");
                assertThat(page.asNormalizedText()).contains("You are invited to Flowise", email, "Sign in with Microsoft");
                assertThat(again.asNormalizedText()).contains("Sign in with Microsoft");
                assertThat(page.getElementsByTagName("script")).allSatisfy(script ->
                    assertThat(script.getAttribute("src")).doesNotStartWith("http").doesNotStartWith("//"));
            }
            assertUntouched(env, invitation, "PENDING");
            assertNoAccount(env, email);
        }

        @Test
        void aPasswordInvitationOffersToSetAPassword(TestEnvironment env) {
            Seeded invitation = env.invitations().seed(invite(newEmail("invitee")).loginType("PASSWORD").identityProvider(null));

            try (Browser browser = env.browser()) {
                assertThat(browser.openInvitation(invitation.token()).asNormalizedText()).contains("Set your password")
                    .doesNotContain("Sign in with Microsoft");
            }
        }

        @Test
        void everyUnusableLinkGetsTheSamePage(TestEnvironment env) {
            Seeded expired = env.invitations().seed(invite(newEmail("invitee")).expiresInSeconds(-5));
            Seeded revoked = env.invitations().seed(invite(newEmail("invitee")).status("REVOKED"));
            Seeded accepted = env.invitations().seed(invite(newEmail("invitee")).status("ACCEPTED"));
            Seeded live = env.invitations().seed(invite(newEmail("invitee")));
            List<String> tokens = List.of(expired.token(), revoked.token(), accepted.token(),
                "A".repeat(43), "short", live.token().substring(0, 42), live.token() + "A", live.token().toUpperCase(),
                live.token() + "%20");

            List<String> bodies = new ArrayList<>();
            try (Browser browser = env.browser()) {
                for (String token : tokens) {
                    HtmlPage page = browser.openInvitation(token);
                    assertThat(page.getWebResponse().getStatusCode()).as(token).isEqualTo(410);
                    assertThat(page.getWebResponse().getResponseHeaderValue("Cache-Control")).contains("no-store");
                    bodies.add(page.asNormalizedText());
                }
            }
            assertThat(bodies).allSatisfy(body -> assertThat(body).contains(NO_LONGER_VALID)).containsOnly(bodies.get(0));
            assertUntouched(env, live, "PENDING");
            assertUntouched(env, expired, "PENDING");
            assertUntouched(env, revoked, "REVOKED");
        }
    }

    @Nested
    class GivenAnSsoInvitation {

        @Test
        void theInviteeFollowsTheLinkSignsInWithEntraAndIsHandedToFlowisesDoor(TestEnvironment env) {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email).roles("viewer"));

            try (Browser browser = env.browser()) {
                HtmlPage entraLogin = (HtmlPage) browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                assertThat(entraLogin.getUrl().toString()).startsWith(env.entra().issuer()).contains("login_hint=" + email.replace("@", "%40"));

                Page landing = browser.signInAtEntra(entraLogin, EntraUser.of(env, email));

                Browser.assertHandedToTheDoor(landing, env, env.flowise().url() + "/");
                Page again = browser.get(browser.authorizationRequestUrl(null));
                assertThat(Browser.expectCode(again, env)).as("Flowise's own sign-in needs no prompt").isNotBlank();
            }
            UserRepresentation user = onlyAccount(env, email);
            assertThat(user.getAttributes()).containsEntry("login_type", List.of("SSO"));
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED").containsEntry("acceptedUserId", user.getId());
        }

        @Test
        void aCancelledIdpLoginLeavesTheInvitationUsable(TestEnvironment env) {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email));

            try (Browser browser = env.browser()) {
                browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                // The invitee closes the Entra tab here.
            }
            assertUntouched(env, invitation, "PENDING");
            try (Browser browser = env.browser()) {
                HtmlPage entraLogin = (HtmlPage) browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                assertThat(browser.signInAtEntra(entraLogin, EntraUser.of(env, email)).getUrl().toString()).startsWith(env.flowise().url());
            }
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }
    }

    @Nested
    class GivenAPasswordInvitation {

        @Test
        void theInviteeSetsAPasswordAndIsHandedToFlowisesDoor(TestEnvironment env) {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null).roles("member"));

            try (Browser browser = env.browser()) {
                HtmlPage passwordForm = (HtmlPage) browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                Page landing = setPassword(passwordForm, PASSWORD);

                Browser.assertHandedToTheDoor(landing, env, env.flowise().url() + "/");
                Page again = browser.get(browser.authorizationRequestUrl(null));
                assertThat(Browser.expectCode(again, env)).as("Flowise's own sign-in needs no prompt").isNotBlank();
            }
            UserRepresentation user = onlyAccount(env, email);
            assertThat(user.isEmailVerified()).isTrue();
            assertThat(user.getAttributes()).containsEntry("login_type", List.of("PASSWORD"));
            assertThat(env.realm().users().get(user.getId()).credentials()).extracting(CredentialRepresentation::getType).containsExactly("password");
            assertThat(env.realm().users().get(user.getId()).roles().clientLevel(
                env.realm().clients().findByClientId("flowise").get(0).getId()).listAll()).extracting(r -> r.getName()).containsExactly("member");
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED").containsEntry("acceptedUserId", user.getId());
        }

        @Test
        void aLinkHandedOverWithoutEmailDoesNotVerifyTheAddress(TestEnvironment env) {
            String email = newEmail("invitee");
            env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null).handedOverWithoutEmail());
            Seeded invitation = env.invitations().seed(invite(newEmail("control")).loginType("PASSWORD").identityProvider(null));
            String handedOver = env.invitations().seed(invite(email + ".org").loginType("PASSWORD").identityProvider(null)
                .handedOverWithoutEmail()).token();

            try (Browser browser = env.browser()) {
                setPassword((HtmlPage) browser.click(browser.openInvitation(handedOver), "invitation-accept"), PASSWORD);
            }
            assertThat(onlyAccount(env, email + ".org").isEmailVerified()).isFalse();
            assertUntouched(env, invitation, "PENDING");
        }

        @Test
        void theHandOverLinkIsWorthlessInAnotherBrowser(TestEnvironment env) throws Exception {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));
            String csrf;
            try (Browser browser = env.browser()) {
                HtmlPage page = browser.openInvitation(invitation.token());
                csrf = ((HtmlForm) page.getElementById("invitation-form")).getInputByName("csrf").getValue();
            }
            HttpResponse<String> accepted = HttpClient.newHttpClient().send(
                acceptRequest(env, invitation.token(), csrf, "FLOWISE_INVITATION_CSRF=" + csrf, null), HttpResponse.BodyHandlers.ofString());
            String handOver = accepted.headers().firstValue("Location").orElseThrow();
            String accountId = onlyAccount(env, email).getId();
            Map<String, Object> acceptedState = env.invitations().get(invitation.id());

            try (Browser eavesdropper = env.browser()) {
                Page page = eavesdropper.get(handOver);
                assertThat(page.getUrl().toString()).doesNotStartWith(env.flowise().url());
                assertThat(((HtmlPage) page).getElementsByName("password-new")).isEmpty();
            }
            assertThat(onlyAccount(env, email).getId()).isEqualTo(accountId);
            assertThat(env.realm().users().get(accountId).credentials()).isEmpty();
            assertThat(env.realm().users().get(accountId).getUserSessions()).isEmpty();
            assertThat(env.invitations().get(invitation.id())).isEqualTo(acceptedState);
        }

        @Test
        void aPasswordAgainstThePolicyIsRefusedByKeycloaksOwnForm(TestEnvironment env) {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));

            try (Browser browser = env.browser()) {
                HtmlPage passwordForm = (HtmlPage) browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                Page refused = setPassword(passwordForm, "short");
                assertThat(refused.getUrl().toString()).doesNotStartWith(env.flowise().url());
                assertThat(((HtmlPage) refused).asNormalizedText()).containsIgnoringCase("invalid password");
            }
            assertThat(env.realm().users().get(onlyAccount(env, email).getId()).credentials()).isEmpty();
        }

        @Test
        void simultaneousCompletionsMakeExactlyOneAccount(TestEnvironment env) throws Exception {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));
            String csrf;
            String cookie;
            try (Browser browser = env.browser()) {
                HtmlPage page = browser.openInvitation(invitation.token());
                csrf = ((HtmlForm) page.getElementById("invitation-form")).getInputByName("csrf").getValue();
                cookie = "FLOWISE_INVITATION_CSRF=" + csrf;
            }
            int parallel = 8;
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return http.send(acceptRequest(env, invitation.token(), csrf, cookie, null), HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            start.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                results.add(status.get());
            }
            pool.shutdown();

            assertThat(results).filteredOn(s -> s == 303).hasSize(1);
            // A loser that reaches the claim while the winner's transaction is open gets "no longer valid" (410); one
            // that arrives after the winner committed already finds the account (409). Which, is timing.
            assertThat(results).filteredOn(s -> s != 303).isNotEmpty().allMatch(s -> s == 410 || s == 409);
            onlyAccount(env, email);
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }

        /**
         * A resend replaces the token: the old link's acceptance and the resend cannot both succeed, whatever their
         * timing. Either the old link enrols and the resend answers 409, or the resend answers 200 with a new link and
         * the old link enrols nobody (the new link still can).
         */
        @Test
        void aResendAndTheOldLinksAcceptanceNeverBothSucceed(TestEnvironment env) throws Exception {
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 12; round++) {
                    String email = newEmail("race");
                    Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));
                    String csrf;
                    try (Browser browser = env.browser()) {
                        HtmlPage page = browser.openInvitation(invitation.token());
                        csrf = ((HtmlForm) page.getElementById("invitation-form")).getInputByName("csrf").getValue();
                    }
                    CountDownLatch start = new CountDownLatch(1);
                    Future<Integer> accepted = pool.submit(() -> {
                        start.await();
                        return http.send(acceptRequest(env, invitation.token(), csrf, "FLOWISE_INVITATION_CSRF=" + csrf, null),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    });
                    Future<io.github.flowisesso.testsupport.InvitationApi.Answer> resent = pool.submit(() -> {
                        start.await();
                        return env.invitationApi().resend(TestEnvironment.REALM, invitation.id(), Map.of("sendEmail", false));
                    });
                    start.countDown();
                    int acceptance = accepted.get();
                    var resend = resent.get();

                    assertThat(acceptance == 303 && resend.status() == 200).as("round " + round + ": both succeeded").isFalse();
                    if (acceptance == 303) {
                        assertThat(resend.status()).as(resend.toString()).isEqualTo(409);
                        onlyAccount(env, email);
                    } else {
                        assertThat(resend.status()).as(resend.toString()).isEqualTo(200);
                        assertNoAccount(env, email);
                        assertThat(env.invitations().get(invitation.id())).containsEntry("status", "PENDING");
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Nested
    class GivenTwoTabsOfOneInvitation {

        @Test
        void theFirstTabStillWorksAfterTheSecondOpened(TestEnvironment env) throws Exception {
            String email = newEmail("two-tabs");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));

            try (Browser browser = env.browser()) {
                HtmlPage first = browser.openInvitation(invitation.token());
                browser.openInvitation(invitation.token()); // the second tab
                Page next = browser.click(first, "invitation-accept");

                assertThat(next.getWebResponse().getContentAsString()).as(next.getUrl().toString())
                    .doesNotContain(NO_LONGER_VALID).doesNotContain(STALE_PAGE).contains("password-new");
            }
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }

        @Test
        void aStaleFormSaysToPressAgainAndThenWorks(TestEnvironment env) throws Exception {
            String email = newEmail("stale");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));

            try (Browser browser = env.browser()) {
                HtmlPage page = browser.openInvitation(invitation.token());
                browser.web().getCookieManager().clearCookies(); // the cookie's hour is over, or the browser dropped it
                Page again = browser.click(page, "invitation-accept");

                assertThat(again.getWebResponse().getStatusCode()).isEqualTo(200);
                assertThat(again.getWebResponse().getContentAsString()).contains(STALE_PAGE).doesNotContain(NO_LONGER_VALID);
                assertUntouched(env, invitation, "PENDING");
                assertNoAccount(env, email);

                Page next = browser.click((HtmlPage) again, "invitation-accept");
                assertThat(next.getWebResponse().getContentAsString()).contains("password-new");
            }
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }
    }

    @Nested
    class GivenAForgedSubmission {

        @Test
        void aPostWithoutThePagesCsrfTokenChangesNothingAndShowsTheInvitationAgain(TestEnvironment env) throws Exception {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));

            HttpResponse<String> noCookie = HttpClient.newHttpClient().send(
                acceptRequest(env, invitation.token(), "forged", null, null), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> mismatch = HttpClient.newHttpClient().send(
                acceptRequest(env, invitation.token(), "forged", "FLOWISE_INVITATION_CSRF=other", null), HttpResponse.BodyHandlers.ofString());

            for (HttpResponse<String> answer : List.of(noCookie, mismatch)) {
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains(STALE_PAGE).contains("invitation-form").doesNotContain(NO_LONGER_VALID);
            }
            assertUntouched(env, invitation, "PENDING");
            assertNoAccount(env, email);
        }

        @Test
        void aPostFromAForeignOriginIsRefused(TestEnvironment env) throws Exception {
            String email = newEmail("invitee");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));

            HttpResponse<String> response = HttpClient.newHttpClient().send(acceptRequest(env, invitation.token(), "same",
                "FLOWISE_INVITATION_CSRF=same", "https://evil.example"), HttpResponse.BodyHandlers.ofString());

            HttpResponse<String> crossSite = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    acceptRequest(env, invitation.token(), "same", "FLOWISE_INVITATION_CSRF=same", null), (n, v) -> true)
                .header("Sec-Fetch-Site", "cross-site").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(crossSite.statusCode()).isEqualTo(403);
            assertUntouched(env, invitation, "PENDING");
            assertNoAccount(env, email);
        }
    }

    // --- helpers ---

    static Page setPassword(HtmlPage form, String password) {
        return Browser.setPassword(form, password);
    }


    static HttpRequest acceptRequest(TestEnvironment env, String token, String csrf, String cookie, String origin) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(env.keycloak().browserUrl() + "/realms/flowise/invitations/accept"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&csrf=" + csrf));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return request.build();
    }


}
