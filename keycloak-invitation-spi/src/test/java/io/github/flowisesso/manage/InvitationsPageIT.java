package io.github.flowisesso.manage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Accounts;
import io.github.flowisesso.testsupport.Chromium;
import io.github.flowisesso.testsupport.Eventually;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.ScimHttp;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The invitations page, driven in Chromium against the real server: an invitation manager of the flowise realm
 * (the shipped {@code invitation-manager} role, signed in with a password) invites, follows, resends, revokes and
 * uploads, and tests the Entra configuration; someone without the role is refused.
 */
@ExtendWith(KeycloakExtension.class)
class InvitationsPageIT {

    private static final String REALM = TestEnvironment.REALM;
    private static final String MANAGER_ROLE = "invitation-manager";
    private static final String PASSWORD = "Correct-Horse-9";

    private static Mailbox mailbox;
    private static String managerEmail;

    @BeforeAll
    static void managerAndMail(TestEnvironment env) {
        mailbox = Mailbox.forTheRealm(env);
        Accounts.ensureGroup(env, "/workspaces/research");
        managerEmail = "manager-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String id = Accounts.createUser(env, managerEmail, "PASSWORD", PASSWORD);
        Accounts.grantRealmRole(env, id, MANAGER_ROLE);
    }

    @AfterAll
    static void stopMail() {
        if (mailbox != null) {
            mailbox.close();
        }
    }

    @Nested
    class GivenAnInvitationManager {

        @Test
        void anSsoInvitationWithACopiedLinkIsListedPendingAndItsLinkIsShownOnce(TestEnvironment env) {
            String email = newEmail();
            onThePage(env, "en", "sso-link", (driver, shot) -> {
                click(driver, By.id("open-invite"));
                driver.findElement(By.id("f-email")).sendKeys(email);
                driver.findElement(By.cssSelector("input[name=roles][value=member]")).click();
                driver.findElement(By.cssSelector("input[name=groups][value='/workspaces/research']")).click();
                driver.findElement(By.id("f-first")).sendKeys("Ada");
                driver.findElement(By.id("f-copy-link")).click();
                shot.accept("invitations-page-invite");
                click(driver, By.id("invite-submit"));

                String link = waitFor(driver, d -> d.findElement(By.id("link-value")).getAttribute("value"));
                assertThat(driver.findElement(By.id("link-dialog")).getText())
                    .contains("This link is shown only once");
                assertThat(link).startsWith(env.keycloak().browserUrl() + "/realms/flowise/invitations/accept?token=");
                click(driver, By.cssSelector("#link-dialog [data-close]"));

                search(driver, email);
                WebElement row = row(driver, email);
                assertThat(row.getText()).contains("SSO (Microsoft Entra ID)", "Pending", "member", "/workspaces/research");
                assertThat(mailbox.to(email)).as("copy-link sends no email").isEmpty();
            });
            Map<String, Object> stored = onlyInvitation(env, email);
            assertThat(stored).containsEntry("status", "PENDING").containsEntry("loginType", "SSO")
                .containsEntry("roles", List.of("member")).containsEntry("groups", List.of("/workspaces/research"))
                .containsEntry("firstName", "Ada");
            assertThat((String) stored.get("createdBy")).isEqualTo(managerEmail);
        }

        @Test
        void aPasswordInvitationIsEmailedAndAFieldErrorIsShownNextToItsFieldWithNothingCreated(TestEnvironment env) {
            String email = newEmail();
            onThePage(env, "en", "password-email", (driver, shot) -> {
                click(driver, By.id("open-invite"));
                driver.findElement(By.id("f-email")).sendKeys("Ada <" + email + ">");
                driver.findElement(By.id("f-login-password")).click();
                click(driver, By.id("invite-submit"));
                String error = waitFor(driver, d -> d.findElement(By.id("err-email")).getText());
                assertThat(error).contains("'email' must be exactly one plain address");
                assertThat(driver.findElement(By.id("f-email")).getAttribute("aria-invalid")).isEqualTo("true");
                assertThat(env.invitationApi().count(REALM, "email=" + InvitationApi.q(email))).isZero();

                driver.findElement(By.id("f-email")).clear();
                driver.findElement(By.id("f-email")).sendKeys(email);
                click(driver, By.id("invite-submit"));
                waitForText(driver, By.id("notice"), "The invitation email to " + email + " is on its way");
            });
            assertThat(onlyInvitation(env, email)).containsEntry("loginType", "PASSWORD").doesNotContainKey("identityProvider");
            List<Mailbox.Mail> mails = mailbox.awaitTo(email, 1);
            assertThat(mails).hasSize(1);
            assertThat(mails.get(0).text()).contains("/realms/flowise/invitations/accept?token=");
            Eventually.until("the email recorded as sent", Duration.ofSeconds(30), () -> onlyInvitation(env, email),
                i -> "SENT".equals(((Map<?, ?>) i.get("delivery")).get("status")));
            onThePage(env, "en", "password-email-sent", (driver, shot) -> {
                WebElement cell = waitFor(driver, d -> d.findElement(By.cssSelector("tr[data-email='" + email + "'] td[data-delivery]")));
                assertThat(cell.getAttribute("data-delivery")).isEqualTo("SENT");
                assertThat(cell.getText()).startsWith("Sent ");
            });
        }

        @Test
        void resendAsksFirstThenShowsTheNewLinkAndTheOldLinkStops(TestEnvironment env) throws Exception {
            String email = newEmail();
            String oldLink = (String) env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD",
                "sendEmail", false)).json().get("link");
            onThePage(env, "en", "resend", (driver, shot) -> {
                search(driver, email);
                row(driver, email).findElement(By.cssSelector("[data-action=resend]")).click();
                waitForText(driver, By.id("confirm-dialog"), "The previous link stops working at once");
                click(driver, By.cssSelector("#confirm-dialog button[value=no]"));
                assertThat(linkPage(oldLink)).as("cancelled: the old link still works").contains("Set your password");

                row(driver, email).findElement(By.cssSelector("[data-action=resend]")).click();
                driver.findElement(By.id("confirm-send-email")).click(); // no email: show the link
                click(driver, By.id("confirm-yes"));
                String newLink = waitFor(driver, d -> d.findElement(By.id("link-value")).getAttribute("value"));
                assertThat(newLink).isNotEqualTo(oldLink).contains("/invitations/accept?token=");
            });
            assertThat(linkPage(oldLink)).contains("no longer valid");
            assertThat(mailbox.to(email)).isEmpty();
        }

        @Test
        void revokeAsksFirstAndACancelChangesNothing(TestEnvironment env) {
            String email = newEmail();
            String id = (String) env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD",
                "sendEmail", false)).json().get("id");
            onThePage(env, "en", "revoke", (driver, shot) -> {
                search(driver, email);
                row(driver, email).findElement(By.cssSelector("[data-action=revoke]")).click();
                waitForText(driver, By.id("confirm-dialog"), "will no longer be able to use their invitation link");
                new org.openqa.selenium.interactions.Actions(driver).sendKeys(Keys.ESCAPE).perform();
                assertThat(env.invitationApi().get(REALM, "/" + id).json()).containsEntry("status", "PENDING");

                row(driver, email).findElement(By.cssSelector("[data-action=revoke]")).click();
                click(driver, By.id("confirm-yes"));
                waitForText(driver, By.id("notice"), "The invitation for " + email + " was revoked");
                waitFor(driver, d -> row(d, email).getText().contains("Revoked") ? true : null);
            });
            assertThat(env.invitationApi().get(REALM, "/" + id).json()).containsEntry("status", "REVOKED");
        }

        @Test
        void aBulkUploadShowsAPreviewThenPerRowResultsAndTheFailedRowsDownloadForReupload(TestEnvironment env) throws Exception {
            String good1 = newEmail();
            String good2 = newEmail();
            Path csv = Files.createTempFile("invitations", ".csv");
            // the provider named: other tests may add a second Entra provider to the realm
            Files.writeString(csv, "email,loginType,identityProvider,roles\n" + good1 + ",PASSWORD,,member\n"
                + "not-an-address,PASSWORD,,\n" + good2 + ",SSO,entra,viewer|member\n");
            try (Chromium chromium = Chromium.start("en")) {
                Path downloads = chromium.allowDownloads();
                run(chromium, "bulk", (driver, shot) -> {
                    signIn(driver, env, managerEmail);
                    click(driver, By.id("open-bulk"));
                    driver.findElement(By.id("bulk-file")).sendKeys(csv.toString());
                    waitForText(driver, By.id("bulk-preview-title"), "Preview: 3 rows");
                    assertThat(driver.findElement(By.id("bulk-preview-table")).getText()).contains(good1, "not-an-address", good2);
                    shot.accept("invitations-page-bulk-preview");
                    click(driver, By.id("bulk-submit"));
                    waitForText(driver, By.id("bulk-summary"), "2 created, 1 failed");
                    assertThat(driver.findElement(By.id("bulk-results-table")).getText())
                        .contains("not-an-address", "email: 'email' must be exactly one plain address");
                    click(driver, By.id("bulk-download"));
                });
                Path failed = downloads.resolve("invitations-failed-rows.csv");
                String content = new WebDriverWait(chromium.driver(), Duration.ofSeconds(10))
                    .until(d -> Files.exists(failed) ? read(failed) : null);
                assertThat(content.lines().toList()).hasSize(2);
                assertThat(content).startsWith("email,loginType,identityProvider,roles,error\r\nnot-an-address,PASSWORD,,,");

                // the admin fixes the address in the downloaded file and uploads it as it is
                String fixed = newEmail();
                Answer again = env.invitationApi().bulkCsv(REALM, content.replace("not-an-address", fixed), "");
                assertThat(again.json()).containsEntry("created", 1).containsEntry("failed", 0);
            }
            assertThat(onlyInvitation(env, good1)).containsEntry("roles", List.of("member"));
            assertThat(onlyInvitation(env, good2)).containsEntry("roles", List.of("viewer", "member"));
            assertThat(env.invitationApi().count(REALM, "email=not-an-address")).isZero();
        }

        @Test
        void testConfigurationShowsEveryCheckOfTheEntraProviderInPlainSentences(TestEnvironment env) {
            onThePage(env, "en", "test-configuration", (driver, shot) -> {
                click(driver, By.cssSelector("[data-test-sso=entra]"));
                WebElement results = driver.findElement(By.cssSelector("[data-results-for=entra]"));
                waitFor(driver, d -> results.findElements(By.cssSelector("[data-overall]")).isEmpty() ? null : true);
                assertThat(results.findElement(By.cssSelector("[data-overall]")).getText()).isEqualTo("Everything checked out.");
                for (String check : List.of("discovery", "jwks", "client_credentials", "redirect_uri")) {
                    assertThat(results.findElement(By.cssSelector("[data-check=" + check + "]")).getAttribute("data-check-status"))
                        .as(check).isEqualTo("ok");
                }
                assertThat(results.getText()).contains("Register this redirect URI", "/realms/flowise/broker/entra/endpoint");
                shot.accept("invitations-page-test-configuration");
            });
        }

        @Test
        void keyboardOnlyAnInvitationIsMadeAndEveryControlHasALabel(TestEnvironment env) {
            String email = newEmail();
            onThePage(env, "en", "keyboard", (driver, shot) -> {
                assertThat(unlabelledControls(driver)).as("controls without an accessible name").isEmpty();
                WebElement body = driver.findElement(By.tagName("body"));
                body.click();
                for (int i = 0; i < 40 && !"open-invite".equals(driver.switchTo().activeElement().getAttribute("id")); i++) {
                    driver.switchTo().activeElement().sendKeys(Keys.TAB);
                }
                assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("open-invite");
                driver.switchTo().activeElement().sendKeys(Keys.ENTER);
                assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("f-email");
                assertThat(unlabelledControls(driver)).as("controls of the invite dialog without a name").isEmpty();
                driver.switchTo().activeElement().sendKeys(email, Keys.ENTER);
                waitForText(driver, By.id("notice"), "The invitation email to " + email + " is on its way");
            });
            // the provider list's first entry (the realm may hold more than one Entra provider when other tests ran)
            assertThat(onlyInvitation(env, email)).containsEntry("loginType", "SSO").containsKey("identityProvider");
        }

        @Test
        void anAcceptedRowSaysWhenAndLinksToTheKeycloakUserWithoutActions(TestEnvironment env) {
            String email = newEmail();
            String link = (String) env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD",
                "sendEmail", false)).json().get("link");
            try (var browser = env.browser()) {
                browser.enrollWithPassword(link.substring(link.indexOf("token=") + 6), PASSWORD);
            }
            Map<String, Object> accepted = onlyInvitation(env, email);
            assertThat(accepted).containsEntry("status", "ACCEPTED");
            String userId = (String) accepted.get("acceptedUserId");
            onThePage(env, "en", "accepted", (driver, shot) -> {
                search(driver, email);
                WebElement row = row(driver, email);
                assertThat(row.getText()).contains("Accepted");
                WebElement user = row.findElement(By.cssSelector("td a"));
                assertThat(user.getAttribute("href")).isEqualTo(env.keycloak().browserUrl()
                    + "/admin/flowise/console/#/flowise/users/" + userId + "/settings");
                assertThat(row.findElements(By.cssSelector("[data-action]"))).as("no resend or revoke").isEmpty();
            });
        }

        @Test
        void aProvisioningTokenForEntraIsShownOnceWithTheTenantUrlAndCanBeRevoked(TestEnvironment env) throws Exception {
            onThePage(env, "en", "provisioning", (driver, shot) -> {
                assertThat(driver.findElement(By.id("provisioning-url")).getText()).endsWith("/realms/flowise/scim/v2");
                int before = driver.findElements(By.cssSelector("#provisioning-tokens [data-token-id]")).size();
                click(driver, By.id("provisioning-new"));
                String token = waitFor(driver, d -> {
                    String value = d.findElement(By.id("provisioning-token")).getAttribute("value");
                    return value == null || value.isEmpty() ? null : value;
                });
                assertThat(token).matches("[A-Za-z0-9_-]{43}");
                waitFor(driver, d -> d.findElements(By.cssSelector("#provisioning-tokens [data-token-id]")).size() == before + 1 ? true : null);
                ScimHttp scim = new ScimHttp(ScimHttp.baseUrl(env, REALM), token);
                assertThat(scim.send("GET", "/ServiceProviderConfig", null).status()).as("the token works").isEqualTo(200);

                String id = driver.findElements(By.cssSelector("#provisioning-tokens [data-token-id]")).get(before).getAttribute("data-token-id");
                click(driver, By.cssSelector("[data-revoke-token='" + id + "']"));
                click(driver, By.id("confirm-yes"));
                waitFor(driver, d -> d.findElements(By.cssSelector("[data-token-id='" + id + "']")).isEmpty() ? true : null);
                assertThat(scim.send("GET", "/ServiceProviderConfig", null).status()).as("revoked at once").isEqualTo(401);
                driver.navigate().refresh();
                waitFor(driver, d -> "app".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")) ? true : null);
                assertThat(driver.findElement(By.id("provisioning-token")).getAttribute("value")).as("shown once").isEmpty();
            });
        }

        @Test
        void theScreenshotForTheReadmeShowsTheListWithEveryStatus(TestEnvironment env) {
            String accepted = newEmail();
            env.invitationApi().create(REALM, Map.of("email", newEmail(), "loginType", "SSO", "roles", List.of("member"), "sendEmail", false));
            String revoked = (String) env.invitationApi().create(REALM, Map.of("email", newEmail(), "loginType", "PASSWORD",
                "sendEmail", false)).json().get("id");
            env.invitationApi().delete(REALM, revoked);
            env.invitationApi().create(REALM, Map.of("email", accepted, "loginType", "PASSWORD", "roles", List.of("viewer"), "sendEmail", false));
            onThePage(env, "en", "screenshot", (driver, shot) -> {
                assertThat(driver.findElements(By.cssSelector("#rows tr"))).hasSizeGreaterThanOrEqualTo(3);
                assertThat(driver.findElement(By.cssSelector("[data-count=PENDING]")).getText()).matches("[0-9,]+\\+?");
                Path file = shot.apply("invitations-page");
                assertThat(file).exists();
            });
        }
    }

    @Nested
    class GivenAMasterRealmAdmin {

        @Test
        void theySignInAtTheMasterRealmsPageAndSeeTheFlowiseRealmsInvitationsWithTheirActions(TestEnvironment env) {
            ensureMasterPageClient(env);
            String email = newEmail();
            env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false));
            inChromium("en", "master-admin", (driver, shot) -> {
                driver.get(env.keycloak().browserUrl() + "/realms/master/invitations/manage/?realm=flowise");
                waitFor(driver, d -> d.findElements(By.name("username")).isEmpty() ? null : true);
                driver.findElement(By.name("username")).sendKeys(TestEnvironment.ADMIN_USER);
                driver.findElement(By.name("password")).sendKeys(env.adminUserPassword());
                driver.findElement(By.id("kc-login")).click();
                waitFor(driver, d -> "app".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")) ? true : null);
                assertThat(driver.findElement(By.id("brand")).getText()).isEqualTo("Invitations · flowise");
                search(driver, email);
                assertThat(row(driver, email).getText()).contains("Pending");
                assertThat(row(driver, email).findElements(By.cssSelector("[data-action=revoke]"))).hasSize(1);
                assertThat(driver.getCurrentUrl()).as("a reload stays on the managed realm").endsWith("/manage/?realm=flowise");
                driver.navigate().refresh();
                waitFor(driver, d -> "app".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")) ? true : null);
                assertThat(driver.findElement(By.id("brand")).getText()).isEqualTo("Invitations · flowise");
            });
        }
    }

    /** The master realm's page client, made as README says (kcadm.sh create clients -r master …). */
    private static synchronized void ensureMasterPageClient(TestEnvironment env) {
        var clients = env.admin().realm("master").clients();
        if (clients.findByClientId("invitations-page").isEmpty()) {
            org.keycloak.representations.idm.ClientRepresentation client = new org.keycloak.representations.idm.ClientRepresentation();
            client.setClientId("invitations-page");
            client.setPublicClient(true);
            client.setStandardFlowEnabled(true);
            client.setDirectAccessGrantsEnabled(false);
            client.setRootUrl("${authBaseUrl}");
            client.setRedirectUris(List.of("/realms/master/invitations/manage/"));
            client.setWebOrigins(List.of("+"));
            client.setAttributes(Map.of("pkce.code.challenge.method", "S256", "post.logout.redirect.uris", "+"));
            client.setFullScopeAllowed(false);
            clients.create(client).close();
            String page = clients.findByClientId("invitations-page").get(0).getId();
            String flowiseRealm = clients.findByClientId("flowise-realm").get(0).getId();
            List<RoleRepresentation> rights = clients.get(flowiseRealm).roles().list().stream()
                .filter(r -> List.of("view-users", "manage-users", "view-identity-providers").contains(r.getName())).toList();
            env.admin().realm("master").clients().get(page).getScopeMappings().clientLevel(flowiseRealm).add(rights);
        }
    }

    @Nested
    class GivenTheGermanLocale {

        @Test
        void thePageSpeaksGerman(TestEnvironment env) {
            onThePage(env, "de", "german", (driver, shot) -> {
                assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("de");
                assertThat(driver.findElement(By.id("open-invite")).getText()).isEqualTo("Benutzer einladen");
                assertThat(driver.findElement(By.cssSelector("[data-status=PENDING]")).getText()).startsWith("Offen");
            });
        }
    }

    @Nested
    class GivenSomeoneWithoutTheRole {

        @Test
        void theyGetAPlainRefusalAndNoActions(TestEnvironment env) {
            String email = "no-rights-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            Accounts.createUser(env, email, "PASSWORD", PASSWORD);
            inChromium("en", "refused", (driver, shot) -> {
                signIn(driver, env, email);
                waitFor(driver, d -> "refused".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")) ? true : null);
                assertThat(driver.findElement(By.id("refused")).getText()).contains("You may not manage invitations here",
                    "You are signed in as " + email, "invitation-manager");
                assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
                shot.apply("invitations-page-refused");
            });
        }
    }

    @Nested
    class GivenTheInvitationManagerRole {

        @Test
        void itCarriesExactlyViewUsersManageUsersAndViewIdentityProviders(TestEnvironment env) {
            List<String> composites = env.realm().roles().get(MANAGER_ROLE).getRoleComposites().stream()
                .map(RoleRepresentation::getName).sorted().toList();
            assertThat(composites).containsExactly("manage-users", "view-identity-providers", "view-users");
        }

        @Test
        void itGrantsNothingBeyondInvitationsAndKeycloaksOwnUserRights(TestEnvironment env) {
            String token = InvitationApi.passwordGrant(env.keycloak().baseUrl(), REALM, managerEmail, PASSWORD);
            InvitationApi api = env.invitationApi().as(token);
            assertThat(api.get(REALM, "").status()).isEqualTo(200);
            assertThat(api.get(REALM, "/options").status()).isEqualTo(200);
            String base = env.keycloak().baseUrl() + "/admin/realms/" + REALM;
            assertThat(call(token, "GET", base + "/clients", null)).as("clients").isEqualTo(403);
            assertThat(call(token, "PUT", base, "{\"displayName\":\"taken\"}")).as("realm settings").isEqualTo(403);
            assertThat(call(token, "GET", base + "/events", null)).as("login events").isEqualTo(403);
            assertThat(call(token, "POST", base + "/identity-provider/instances",
                "{\"alias\":\"mine\",\"providerId\":\"oidc\"}")).as("new identity provider").isEqualTo(403);
            assertThat(call(token, "PUT", base + "/identity-provider/instances/entra",
                "{\"alias\":\"entra\",\"providerId\":\"entra-id\",\"enabled\":false}")).as("change the Entra provider").isEqualTo(403);
            assertThat(call(token, "GET", env.keycloak().baseUrl() + "/admin/realms/master/users", null)).as("another realm")
                .isIn(401, 403);
            assertThat(env.realm().toRepresentation().getDisplayName()).isNotEqualTo("taken");
            assertThat(env.realm().identityProviders().get("entra").toRepresentation().isEnabled()).isTrue();
        }
    }

    @Nested
    class GivenTheApiCallsThePageMakes {

        @Test
        void countsAreExactUpToAThousandThenSayMoreWhileCountStaysExact(TestEnvironment env) {
            String realm = freshRealm(env);
            StringBuilder csv = new StringBuilder("email,loginType\n");
            for (int i = 0; i < 1_002; i++) {
                csv.append("count-").append(i).append("@example.com,PASSWORD\n");
            }
            assertThat(env.invitationApi().bulkCsv(realm, csv.toString(), "").json()).containsEntry("created", 1_002);
            String one = (String) env.invitationApi().get(realm, "?max=1").jsonList().get(0).get("id");
            assertThat(env.invitationApi().delete(realm, one).status()).isEqualTo(204);

            Map<String, Object> counts = env.invitationApi().get(realm, "/counts").json();
            assertThat(counts).containsEntry("PENDING", Map.of("count", 1_000, "exact", false))
                .containsEntry("REVOKED", Map.of("count", 1, "exact", true))
                .containsEntry("ACCEPTED", Map.of("count", 0, "exact", true))
                .containsEntry("EXPIRED", Map.of("count", 0, "exact", true));
            assertThat(env.invitationApi().count(realm, "status=PENDING")).isEqualTo(1_001);
            assertThat(env.invitationApi().get(realm, "/counts?email=count-0%40example.com").json())
                .containsEntry("PENDING", Map.of("count", 1, "exact", true));
        }

        @Test
        void keysetPagesWalkTheWholeListNewestFirstWithoutGapsOrRepeats(TestEnvironment env) {
            String realm = freshRealm(env);
            StringBuilder csv = new StringBuilder("email,loginType\n");
            for (int i = 0; i < 45; i++) {
                csv.append("walk-").append(i).append("@example.com,PASSWORD\n");
            }
            env.invitationApi().bulkCsv(realm, csv.toString(), "");
            List<Object> byOffset = env.invitationApi().get(realm, "?max=1000").jsonList().stream().map(r -> r.get("id")).toList();

            List<Object> walked = new java.util.ArrayList<>();
            String after = null;
            do {
                List<Map<String, Object>> page = env.invitationApi().get(realm, "?max=10"
                    + (after == null ? "" : "&after=" + InvitationApi.q(after))).jsonList();
                page.forEach(r -> walked.add(r.get("id")));
                Map<String, Object> last = page.isEmpty() ? null : page.get(page.size() - 1);
                after = page.size() < 10 ? null : last.get("createdAt") + ":" + last.get("id");
            } while (after != null);
            assertThat(walked).hasSize(45).doesNotHaveDuplicates().isEqualTo(byOffset);

            Answer bad = env.invitationApi().get(realm, "?after=yesterday");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json()).containsEntry("field", "after");
        }

        @Test
        @SuppressWarnings("unchecked")
        void optionsOfferWhatTheCallerMayHandOutAndTestConfigurationNeedsTheRightToViewProviders(TestEnvironment env) {
            String token = InvitationApi.passwordGrant(env.keycloak().baseUrl(), REALM, managerEmail, PASSWORD);
            Map<String, Object> options = env.invitationApi().as(token).get(REALM, "/options").json();
            assertThat(options).containsEntry("mayManage", true).containsEntry("mayTestSso", true)
                .containsEntry("loginTypes", List.of("SSO", "PASSWORD"));
            assertThat((List<Object>) options.get("roles")).contains("member", "viewer");
            assertThat((List<Object>) options.get("groups")).contains("/workspaces/research");
            assertThat((List<Object>) options.get("identityProviders")).anySatisfy(p ->
                assertThat((Map<Object, Object>) p).containsEntry("alias", "entra").containsEntry("entra", true));

            String viewer = "viewer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String id = Accounts.createUser(env, viewer, "PASSWORD", PASSWORD);
            var management = env.realm().clients().findByClientId("realm-management").get(0);
            env.realm().users().get(id).roles().clientLevel(management.getId())
                .add(List.of(env.realm().clients().get(management.getId()).roles().get("view-users").toRepresentation()));
            InvitationApi viewerApi = env.invitationApi().as(InvitationApi.passwordGrant(env.keycloak().baseUrl(), REALM, viewer, PASSWORD));
            assertThat(viewerApi.get(REALM, "/options").json()).containsEntry("mayManage", false).containsEntry("mayTestSso", false);
            assertThat(viewerApi.send("POST", REALM, "/sso/entra/test", "application/json", "{}", Map.of()).status()).isEqualTo(403);
        }
    }

    @Nested
    class GivenThePageItself {

        @Test
        void itIsServedWithAStrictPolicyNoInlineScriptAndPatternFlyFromKeycloak(TestEnvironment env) throws Exception {
            HttpResponse<String> page = get(env.keycloak().browserUrl() + "/realms/flowise/invitations/manage/");
            assertThat(page.statusCode()).isEqualTo(200);
            // ours, not the realm's looser one (which allows inline script for Keycloak's themes)
            assertThat(page.headers().allValues("Content-Security-Policy")).hasSize(1);
            String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
            assertThat(page.body()).doesNotContainPattern("<script(?![^>]*(type=\"application/json\"|src=))");
            String css = page.body().replaceAll("(?s).*<link rel=\"stylesheet\" href=\"([^\"]+patternfly[^\"]+)\".*", "$1");
            HttpResponse<String> patternfly = get(css);
            assertThat(patternfly.statusCode()).as(css).isEqualTo(200);
            assertThat(patternfly.body()).contains(".pf-v5-c-table");

            assertThat(get(env.keycloak().browserUrl() + "/realms/flowise/invitations/manage").statusCode()).isEqualTo(303);
            assertThat(get(env.keycloak().browserUrl() + "/realms/flowise/invitations/manage/index.html").statusCode()).isEqualTo(404);
            assertThat(get(env.keycloak().browserUrl() + "/realms/flowise/invitations/manage/app.js").body())
                .contains("code_challenge_method");
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    interface Journey {
        void run(ChromeDriver driver, Shots shot);
    }

    interface Shots {
        Path apply(String name);

        default void accept(String name) {
            apply(name);
        }
    }

    private static void onThePage(TestEnvironment env, String language, String name, Journey journey) {
        inChromium(language, name, (driver, shot) -> {
            signIn(driver, env, managerEmail);
            waitFor(driver, d -> "app".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")) ? true : null);
            journey.run(driver, shot);
        });
    }

    private static void inChromium(String language, String name, Journey journey) {
        try (Chromium chromium = Chromium.start(language)) {
            run(chromium, name, journey);
        }
    }

    private static void run(Chromium chromium, String name, Journey journey) {
        try {
            journey.run(chromium.driver(), chromium::screenshot);
        } catch (RuntimeException | AssertionError e) {
            chromium.screenshot("FAILED-page-" + name);
            throw e;
        }
    }

    private static void signIn(WebDriver driver, TestEnvironment env, String email) {
        driver.get(env.keycloak().browserUrl() + "/realms/flowise/invitations/manage/");
        waitFor(driver, d -> d.findElements(By.name("username")).isEmpty() ? null : true);
        driver.findElement(By.name("username")).sendKeys(email);
        driver.findElement(By.name("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("kc-login")).click();
        waitFor(driver, d -> d.findElement(By.tagName("body")).getAttribute("data-ready"));
        assertThat(driver.getCurrentUrl()).as("the code left the address bar")
            .isEqualTo(env.keycloak().browserUrl() + "/realms/flowise/invitations/manage/");
    }

    private static void search(WebDriver driver, String email) {
        WebElement box = driver.findElement(By.id("search-email"));
        box.clear();
        box.sendKeys(email, Keys.ENTER);
        waitFor(driver, d -> d.findElements(By.cssSelector("#rows tr[data-email='" + email + "']")).isEmpty() ? null : true);
    }

    private static WebElement row(WebDriver driver, String email) {
        return driver.findElement(By.cssSelector("#rows tr[data-email='" + email + "']"));
    }

    private static void click(WebDriver driver, By by) {
        waitFor(driver, d -> d.findElement(by).isDisplayed() && d.findElement(by).isEnabled() ? true : null);
        driver.findElement(by).click();
    }

    private static void waitForText(WebDriver driver, By by, String text) {
        waitFor(driver, d -> d.findElement(by).getText().contains(text) ? true : null);
    }

    private static <T> T waitFor(WebDriver driver, java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.WebDriverException.class)
            .until(d -> {
                T value = condition.apply(d);
                return value instanceof String text && text.isEmpty() ? null : value;
            });
    }

    /** Visible inputs, selects and buttons without an accessible name (label, aria-label, or text). */
    @SuppressWarnings("unchecked")
    private static List<String> unlabelledControls(WebDriver driver) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("""
            return [...document.querySelectorAll('input, select, button, textarea')]
              .filter(e => e.offsetParent !== null && e.type !== 'hidden')
              .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
              .map(e => e.outerHTML);
            """);
    }

    /** A realm of its own (no provider, no Flowise client): only this test's invitations are in it. */
    private static String freshRealm(TestEnvironment env) {
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm("page-" + UUID.randomUUID().toString().substring(0, 8));
        realm.setEnabled(true);
        env.admin().realms().create(realm);
        return realm.getRealm();
    }

    private static String newEmail() {
        return io.github.flowisesso.testsupport.StateAssertions.newEmail("page");
    }

    private static Map<String, Object> onlyInvitation(TestEnvironment env, String email) {
        List<Map<String, Object>> found = env.invitationApi().get(REALM, "?email=" + InvitationApi.q(email)).jsonList();
        assertThat(found).as("invitations for " + email).hasSize(1);
        return found.get(0);
    }

    private static String linkPage(String link) {
        try {
            return get(link).body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static int call(String token, String method, String url, String json) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
            request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
