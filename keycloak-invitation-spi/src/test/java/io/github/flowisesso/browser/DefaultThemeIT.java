package io.github.flowisesso.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Accounts;
import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.StateAssertions;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The jar works under any theme: its pages, refusals and email come with their texts (Keycloak theme-resources),
 * so a realm on Keycloak's own themes shows sentences, never message keys.
 */
@ExtendWith(KeycloakExtension.class)
class DefaultThemeIT {

    /** A message key of ours left unrendered: invitationTitle, loginTypeUseSso, … */
    private static final String RAW_KEY = "(?s).*\\b(invitation|loginType)[A-Z][A-Za-z]+\\b.*";

    @Nested
    class GivenTheRealmOnKeycloaksOwnThemes {

        @Test
        void theInvitationEmailPagesAndRefusalsShowSentencesNotKeys(TestEnvironment env) {
            RealmRepresentation before = env.realm().toRepresentation();
            RealmRepresentation stock = new RealmRepresentation();
            stock.setLoginTheme("keycloak.v2");
            stock.setEmailTheme("keycloak");
            try (Mailbox mailbox = Mailbox.forTheRealm(env)) {
                env.realm().update(stock);
                String email = StateAssertions.newEmail("stock-theme");
                assertThat(env.invitationApi().create(TestEnvironment.REALM, Map.of("email", email, "loginType", "SSO",
                    "identityProvider", TestEnvironment.IDP_ALIAS)).status()).isEqualTo(201);
                List<Mailbox.Mail> mails = mailbox.awaitTo(email, 1);
                assertThat(mails).hasSize(1);
                Mailbox.Mail mail = mails.get(0);
                assertThat(mail.subject()).endsWith("invited you to Flowise");
                assertThat(mail.text()).contains("Sign in with Microsoft").doesNotMatch(RAW_KEY);
                assertThat(mail.html()).contains("Sign in with Microsoft").doesNotMatch(RAW_KEY);
                String link = mail.text().replaceAll("(?s).*(https?://\\S+/invitations/accept\\?token=[A-Za-z0-9_-]+).*", "$1");

                String ssoUser = StateAssertions.newEmail("stock-theme-sso");
                Accounts.createUser(env, ssoUser, "SSO", "Correct-Horse-9");

                RealBrowserJourneysIT.inChromium("en", "stock-theme", (driver, shot) -> {
                    driver.get(link);
                    String page = bodyText(driver, "You are invited to");
                    assertThat(page).contains("You are invited to Flowise", "Sign in with Microsoft").doesNotMatch(RAW_KEY);
                    shot.accept("stock-theme-1-invitation");

                    driver.get(Browser.invitationLink(env, "A".repeat(43)));
                    assertThat(bodyText(driver, "no longer valid")).contains("This invitation is no longer valid")
                        .doesNotMatch(RAW_KEY);

                    driver.get(env.keycloak().browserUrl() + "/realms/flowise/account");
                    new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> !d.findElements(By.id("username")).isEmpty());
                    driver.findElement(By.id("username")).sendKeys(ssoUser);
                    driver.findElement(By.id("password")).sendKeys("Correct-Horse-9");
                    driver.findElement(By.id("kc-login")).click();
                    assertThat(bodyText(driver, "not with a password")).contains("This account signs in with Microsoft, not with a password.")
                        .doesNotMatch(RAW_KEY);
                    shot.accept("stock-theme-2-login-type");
                });
            } finally {
                RealmRepresentation restore = new RealmRepresentation();
                restore.setLoginTheme(before.getLoginTheme());
                restore.setEmailTheme(before.getEmailTheme());
                restore.setSmtpServer(before.getSmtpServer());
                env.realm().update(restore);
            }
        }
    }

    private static String bodyText(WebDriver driver, String expected) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.WebDriverException.class)
            .until(d -> {
                String text = d.findElement(By.tagName("body")).getText();
                return text.contains(expected) ? text : null;
            });
    }
}
