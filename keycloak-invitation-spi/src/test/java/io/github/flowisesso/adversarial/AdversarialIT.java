package io.github.flowisesso.adversarial;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static io.github.flowisesso.testsupport.StateAssertions.assertNoAccount;
import static io.github.flowisesso.testsupport.StateAssertions.assertUntouched;
import static io.github.flowisesso.testsupport.StateAssertions.newEmail;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.RogueEntraTenant;
import io.github.flowisesso.testsupport.RogueEntraTenant.Forgery;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The attacks Entra-brokered invitation systems have fallen to, each refused with nothing changed: no account,
 * no link, the invitation as it was. Numbers refer to the list in docs/security.md.
 */
@ExtendWith(KeycloakExtension.class)
class AdversarialIT {

    @Nested
    class GivenAnEmailEntraDoesNotVouchFor {

        @Test
        void xmsEdovFalseIsNotVerified(TestEnvironment env) { // 2
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email));

            refused(env, EntraUser.of(env, email).claim("xms_edov", false));

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
        }

        @Test
        void upnOrPreferredUsernameAloneNeverMatch(TestEnvironment env) { // 3
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email));

            refused(env, EntraUser.of(env, null).claim("upn", email).claim("preferred_username", email));

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
        }

        @ParameterizedTest
        @ValueSource(strings = {"adm\u0131n", "\uff41dmin", "admin+tag"})
        void lookAlikeLocalPartsDoNotMatch(String lookAlike, TestEnvironment env) { // 5
            String suffix = "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
            Seeded invitation = env.invitations().seed(invite("admin" + suffix));

            refused(env, EntraUser.of(env, lookAlike + suffix));

            assertNoAccount(env, "admin" + suffix);
            assertUntouched(env, invitation, "PENDING");
        }

        @Test
        void aCyrillicHomoglyphDomainDoesNotMatch(TestEnvironment env) { // 5
            String local = "ada-" + UUID.randomUUID().toString().substring(0, 6);
            Seeded invitation = env.invitations().seed(invite(local + "@example.com"));

            refused(env, EntraUser.of(env, local + "@\u0435xample.com"));

            assertNoAccount(env, local + "@example.com");
            assertUntouched(env, invitation, "PENDING");
        }

        @Test
        void aDecomposedSpellingOfTheInvitedAddressDoesMatch(TestEnvironment env) { // 4
            String suffix = "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
            Seeded invitation = env.invitations().seed(invite("jos\u00e9" + suffix));

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(EntraUser.of(env, "jose\u0301" + suffix)), env);
            }
            assertThat(onlyAccount(env, "jos\u00e9" + suffix).getEmail()).isEqualTo("jos\u00e9" + suffix);
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }
    }

    @Nested
    class GivenAnAccountThatIsAlreadyEnrolled {

        @Test
        void theSamePersonKeepsTheirAccountWhenTheirEntraEmailChanges(TestEnvironment env) { // 6
            String email = newEmail("adv");
            env.invitations().seed(invite(email));
            EntraUser person = EntraUser.of(env, email);
            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(person), env);
            }
            String renamed = newEmail("renamed");

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(person.claim("email", renamed).claim("preferred_username", renamed)), env);
            }

            UserRepresentation account = onlyAccount(env, email);
            assertThat(account.getAttributes()).containsEntry("entra_oid", List.of(person.subject()));
            assertNoAccount(env, renamed);
        }

        @Test
        void anotherObjectIdPresentingTheSameEmailIsRefused(TestEnvironment env) { // 7
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email));
            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(EntraUser.of(env, email)), env);
            }
            UserRepresentation account = onlyAccount(env, email);
            Map<String, Object> acceptedState = env.invitations().get(invitation.id());

            refused(env, EntraUser.of(env, email));

            assertThat(onlyAccount(env, email).getId()).isEqualTo(account.getId());
            assertThat(env.realm().users().get(account.getId()).getFederatedIdentity()).hasSize(1);
            assertThat(env.invitations().get(invitation.id())).isEqualTo(acceptedState);
        }
    }

    @Nested
    class GivenAnEnrollmentThatStoppedBeforeTheAccountWasLinked {

        @Test
        void onlyTheSameEntraObjectCanPickItUp(TestEnvironment env) {
            RogueEntraTenant rogue = env.rogueTenant();
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email).identityProvider(TestEnvironment.ROGUE_ALIAS));
            Map<String, Object> person = rogue.member(email);
            rogue.nextLogin(person, Forgery.NONE);
            try (Browser browser = env.browser()) {
                // The browser dies right after first-broker-login: account created, link not yet made.
                browser.redirectsUntil(browser.authorizationRequestUrl(TestEnvironment.ROGUE_ALIAS),
                    env.keycloak().browserUrl() + "/realms/flowise/broker/after-first-broker-login");
            }
            String accountId = onlyAccount(env, email).getId();
            assertThat(env.realm().users().get(accountId).getFederatedIdentity()).isEmpty();

            Map<String, Object> impostor = new LinkedHashMap<>(person);
            impostor.put("oid", UUID.randomUUID().toString());
            rogue.nextLogin(impostor, Forgery.NONE);
            Map<String, Object> acceptedState = env.invitations().get(invitation.id());
            try (Browser browser = env.browser()) {
                assertThat(Browser.authorizationCode(browser.get(browser.authorizationRequestUrl(TestEnvironment.ROGUE_ALIAS)), env)).isEmpty();
            }
            assertThat(onlyAccount(env, email).getId()).isEqualTo(accountId);
            assertThat(env.realm().users().get(accountId).getFederatedIdentity()).isEmpty();
            assertThat(env.invitations().get(invitation.id())).isEqualTo(acceptedState);

            rogue.nextLogin(person, Forgery.NONE);
            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.get(browser.authorizationRequestUrl(TestEnvironment.ROGUE_ALIAS)), env);
            }
            assertThat(onlyAccount(env, email).getId()).isEqualTo(accountId);
            assertThat(env.realm().users().get(accountId).getFederatedIdentity()).singleElement()
                .satisfies(link -> assertThat(link.getUserId()).isEqualTo(person.get("oid")));
            assertThat(env.invitations().get(invitation.id())).containsEntry("acceptedUserId", accountId);
        }
    }

    @Nested
    class GivenSomethingChangesMidFlow {

        @Test
        void anIdentityProviderDisabledDuringTheLoginCreatesNothing(TestEnvironment env) { // 11
            String email = newEmail("adv");
            Seeded invitation = rogueInvitation(env, email, Forgery.NONE);
            try (Browser browser = env.browser()) {
                String callback = rogueCallback(browser, env);
                setEnabled(env, TestEnvironment.ROGUE_ALIAS, false);
                try {
                    Page page = browser.get(callback);
                    assertThat(Browser.authorizationCode(page, env)).isEmpty();
                } finally {
                    setEnabled(env, TestEnvironment.ROGUE_ALIAS, true);
                }
            }
            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
        }

        @Test
        void anInvitationRevokedBetweenTheLinkAndTheCallbackCreatesNothing(TestEnvironment env) { // 12
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email));
            try (Browser browser = env.browser()) {
                HtmlPage entraLogin = (HtmlPage) browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                assertThat(env.invitationApi().delete(TestEnvironment.REALM, invitation.id()).status()).isEqualTo(204);

                Page page = browser.signInAtEntra(entraLogin, EntraUser.of(env, email));

                assertThat(Browser.authorizationCode(page, env)).isEmpty();
                assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
            }
            assertNoAccount(env, email);
            assertUntouched(env, invitation, "REVOKED");
        }

        @Test
        void aUsedLinkCannotBeReplayed(TestEnvironment env) { // 13
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email));
            try (Browser browser = env.browser()) {
                HtmlPage entraLogin = (HtmlPage) browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                browser.signInAtEntra(entraLogin, EntraUser.of(env, email));
            }
            String accountId = onlyAccount(env, email).getId();
            Map<String, Object> acceptedState = env.invitations().get(invitation.id());

            try (Browser attacker = env.browser()) {
                HtmlPage replay = attacker.openInvitation(invitation.token());
                assertThat(replay.getWebResponse().getStatusCode()).isEqualTo(410);
                assertThat(replay.getElementById("invitation-form")).isNull();
            }
            assertThat(onlyAccount(env, email).getId()).isEqualTo(accountId);
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED")
                .containsEntry("acceptedUserId", accountId).isEqualTo(acceptedState);
        }

        @Test
        void aTamperedStateOnTheBrokerCallbackIsRefused(TestEnvironment env) { // 14
            String email = newEmail("adv");
            Seeded invitation = rogueInvitation(env, email, Forgery.NONE);
            try (Browser browser = env.browser()) {
                String callback = rogueCallback(browser, env);
                String state = callback.substring(callback.indexOf("state=") + 6);
                String tampered = callback.replace("state=" + state, "state=" + flipLastChar(state));

                Page page = browser.get(tampered);

                assertThat(Browser.authorizationCode(page, env)).isEmpty();
                assertThat(page.getWebResponse().getStatusCode()).isGreaterThanOrEqualTo(400);
            }
            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
        }
    }

    @Nested
    class GivenAForgedIdToken {

        @Test
        void theRogueTenantItselfWorksWithAnHonestToken(TestEnvironment env) { // 15, control
            String email = newEmail("adv");
            Seeded invitation = rogueInvitation(env, email, Forgery.NONE);

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.get(browser.authorizationRequestUrl(TestEnvironment.ROGUE_ALIAS)), env);
            }
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }

        @ParameterizedTest
        @EnumSource(value = Forgery.class, names = {"WRONG_AUDIENCE", "WRONG_ISSUER", "EXPIRED", "ALG_NONE", "BAD_SIGNATURE"})
        void itIsRefusedAndNothingIsCreated(Forgery forgery, TestEnvironment env) { // 15
            String email = newEmail("adv");
            Seeded invitation = rogueInvitation(env, email, forgery);

            try (Browser browser = env.browser()) {
                Page page = browser.get(browser.authorizationRequestUrl(TestEnvironment.ROGUE_ALIAS));
                assertThat(Browser.authorizationCode(page, env)).as(forgery.name()).isEmpty();
            }
            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
        }
    }

    @Nested
    class GivenAHostileRedirectTarget {

        @ParameterizedTest
        @ValueSource(strings = {"https://evil.example", "//evil.example", "https://flowise.example.evil.example",
            "https://x@evil.example", "/..;/", "javascript:alert(1)"})
        void theAdminApiRefusesItAndStoresNothing(String target, TestEnvironment env) { // 16
            String email = newEmail("adv");
            InvitationApi.Answer answer = env.invitationApi().create(TestEnvironment.REALM,
                Map.of("email", email, "loginType", "PASSWORD", "redirectUri", target));

            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("field", "redirectUri");
            assertThat(env.invitationApi().count(TestEnvironment.REALM, "email=" + InvitationApi.q(email))).isZero();
        }

        @Test
        void aTargetThatIsNoLongerRegisteredIsNotFollowed(TestEnvironment env) { // 16
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null)
                .redirectUri("https://evil.example/"));
            try (Browser browser = env.browser()) {
                Page page = browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
                assertThat(page.getUrl().getHost()).isNotEqualTo("evil.example");
                assertThat(page.getWebResponse().getStatusCode()).isEqualTo(410);
            }
            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
        }
    }

    @Nested
    class GivenAnAbusiveCreateCall {

        @Test
        void aHugeBodyIsRefusedAndStoresNothing(TestEnvironment env) { // 17
            long before = env.invitationApi().count(TestEnvironment.REALM, "");
            String huge = "{\"email\":\"" + "a".repeat(5_000_000) + "@example.com\",\"loginType\":\"PASSWORD\"}";

            InvitationApi.Answer answer = env.invitationApi().create(TestEnvironment.REALM, huge);

            assertThat(answer.status()).isBetween(400, 413);
            assertThat(env.invitationApi().count(TestEnvironment.REALM, "")).isEqualTo(before);
        }
    }

    @Nested
    class GivenManyAttemptsAtOnce {

        static final int BURST = 100;

        @Test
        void twentyParallelCompletionsOfOneSsoInvitationMakeOneAccount(TestEnvironment env) throws Exception { // 19
            String email = newEmail("adv");
            Seeded invitation = env.invitations().seed(invite(email));
            EntraUser person = EntraUser.of(env, email);
            int parallel = 20;
            List<Browser> browsers = new ArrayList<>();
            List<HtmlPage> entraPages = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                Browser browser = env.browser();
                browsers.add(browser);
                entraPages.add(browser.openSignIn(TestEnvironment.IDP_ALIAS));
            }
            List<Integer> statuses = runTogether(parallel, i -> () ->
                browsers.get(i).signInAtEntra(entraPages.get(i), person).getWebResponse().getStatusCode());
            browsers.forEach(Browser::close);

            // Flowise (200), or a refusal (403: "no longer valid", or "not invited" once the winner's claim is
            // committed), or Keycloak's "already linked" (409) for the same person's second completion.
            assertThat(statuses).allMatch(s -> s == 200 || s == 403 || s == 409);
            UserRepresentation account = onlyAccount(env, email);
            assertThat(env.realm().users().get(account.getId()).getFederatedIdentity()).hasSize(1);
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED")
                .containsEntry("acceptedUserId", account.getId());
        }

        @Test
        void aBurstOfRandomTokensGetsOneAndTheSameAnswer(TestEnvironment env) throws Exception { // 20
            HttpClient http = HttpClient.newHttpClient();
            SecureRandom random = new SecureRandom();
            Set<String> bodies = new HashSet<>();
            List<Integer> statuses = runTogether(BURST, i -> () -> {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(Browser.invitationLink(env, token))).build(),
                    HttpResponse.BodyHandlers.ofString());
                // The page links back to itself (language switch) with the token and Keycloak's per-response
                // state checker; everything else must match byte for byte.
                String shape = response.body().replace(token, "TOKEN").replaceAll("kc_state_checker=[^&\"]*", "");
                synchronized (bodies) {
                    bodies.add(shape);
                }
                return response.statusCode();
            });

            assertThat(statuses).hasSize(BURST).containsOnly(410);
            assertThat(bodies).as(() -> firstDifference(bodies)).hasSize(1);
        }
    }

    // --- helpers ---

    static void refused(TestEnvironment env, EntraUser user) {
        try (Browser browser = env.browser()) {
            Page page = browser.signIn(user);
            assertThat(Browser.authorizationCode(page, env)).as("no code may reach Flowise").isEmpty();
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
        }
    }

    static String firstDifference(Set<String> bodies) {
        List<String> two = bodies.stream().limit(2).toList();
        if (two.size() < 2) {
            return "";
        }
        String[] a = two.get(0).split("\n");
        String[] b = two.get(1).split("\n");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                return "line " + i + ":\n" + a[i] + "\n" + b[i];
            }
        }
        return "lengths " + a.length + " vs " + b.length;
    }

    static void setEnabled(TestEnvironment env, String alias, boolean enabled) {
        IdentityProviderRepresentation idp = env.realm().identityProviders().get(alias).toRepresentation();
        idp.setEnabled(enabled);
        env.realm().identityProviders().get(alias).update(idp);
    }

    static String flipLastChar(String value) {
        char last = value.charAt(value.length() - 1);
        return value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    interface Task {
        Callable<Integer> at(int index);
    }

    static List<Integer> runTogether(int count, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(count, 20));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Callable<Integer> work = task.at(i);
            futures.add(pool.submit(() -> {
                start.await();
                return work.call();
            }));
        }
        start.countDown();
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> future : futures) {
            results.add(future.get());
        }
        pool.shutdown();
        return results;
    }

    /** An SSO invitation for the rogue tenant's provider; that tenant's next sign-in is this member, forged so. */
    private static Seeded rogueInvitation(TestEnvironment env, String email, Forgery forgery) {
        RogueEntraTenant rogue = env.rogueTenant();
        Seeded invitation = env.invitations().seed(invite(email).identityProvider(TestEnvironment.ROGUE_ALIAS));
        rogue.nextLogin(rogue.member(email), forgery);
        return invitation;
    }

    /** Follows a sign-in through the rogue tenant up to Keycloak's broker callback, which it returns unvisited. */
    private static String rogueCallback(Browser browser, TestEnvironment env) {
        return browser.redirectsUntil(browser.authorizationRequestUrl(TestEnvironment.ROGUE_ALIAS),
            env.keycloak().browserUrl() + "/realms/flowise/broker/" + TestEnvironment.ROGUE_ALIAS + "/endpoint");
    }
}
