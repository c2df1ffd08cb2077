package io.github.flowisesso.browser;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static io.github.flowisesso.testsupport.StateAssertions.newEmail;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.Chromium;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The journeys and pages people see, in Debian's Chromium. Screenshots: target/screenshots. */
@ExtendWith(KeycloakExtension.class)
class RealBrowserJourneysIT {

    @Nested
    class GivenAnSsoInvitation {

        @Test
        void theInviteeFollowsTheLinkAndIsHandedToFlowisesDoor(TestEnvironment env) {
            String email = newEmail("chromium-sso");
            Seeded invitation = env.invitations().seed(invite(email).roles("member"));

            inChromium("en", "sso-journey", (driver, shot) -> {
                driver.get(Browser.invitationLink(env, invitation.token()));
                assertThat(driver.findElement(By.id("invitation-accept")).getText()).isEqualTo("Sign in with Microsoft");
                shot.accept("sso-1-invitation");
                driver.findElement(By.id("invitation-accept")).click();

                waitForUrl(driver, env.entra().issuer());
                driver.findElement(By.name("username")).sendKeys("chromium-" + email);
                driver.findElement(By.name("claims")).sendKeys(json(EntraUser.of(env, email)));
                driver.findElement(By.cssSelector("input[type=submit]")).click();

                waitForUrl(driver, env.flowise().callbackUrl() + "?");
                assertHandedToTheDoor(driver, env);
                shot.accept("sso-2-landed-at-flowise");
                driver.get(Browser.authorizationRequestUrl(env, null, Browser.random()));
                waitForUrl(driver, env.flowise().callbackUrl() + "?");
                assertThat(driver.getCurrentUrl()).as("Flowise's own sign-in needs no prompt").contains("code=");
            });
            assertThat(onlyAccount(env, email).getAttributes()).containsEntry("login_type", List.of("SSO"));
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }
    }

    @Nested
    class GivenAPasswordInvitation {

        @Test
        void theInviteeSetsAPasswordAndIsHandedToFlowisesDoor(TestEnvironment env) {
            String email = newEmail("chromium-pw");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));

            inChromium("en", "password-journey", (driver, shot) -> {
                driver.get(Browser.invitationLink(env, invitation.token()));
                shot.accept("password-1-invitation");
                driver.findElement(By.id("invitation-accept")).click();

                new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> !d.findElements(By.id("password-new")).isEmpty());
                shot.accept("password-2-set-password");
                driver.findElement(By.id("password-new")).sendKeys("correct horse battery staple");
                driver.findElement(By.id("password-confirm")).sendKeys("correct horse battery staple");
                driver.findElement(By.cssSelector("form [type=submit]")).click();

                waitForUrl(driver, env.flowise().callbackUrl() + "?");
                assertHandedToTheDoor(driver, env);
                driver.get(Browser.authorizationRequestUrl(env, null, Browser.random()));
                waitForUrl(driver, env.flowise().callbackUrl() + "?");
            });
            assertThat(onlyAccount(env, email).isEmailVerified()).isTrue();
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
        }
    }

    @Nested
    class GivenThePagesPeopleSee {

        @Test
        void theSignInPageOffersMicrosoftFirst(TestEnvironment env) {
            inChromium("en", "sign-in", (driver, shot) -> {
                driver.get(Browser.authorizationRequestUrl(env, null, Browser.random()));
                shot.accept("sign-in-page");
                String sso = driver.findElement(By.id("social-entra")).getText();
                assertThat(sso).isEqualTo("Sign in with Microsoft");
                assertThat(driver.findElement(By.id("social-entra")).getLocation().getY())
                    .isLessThan(driver.findElement(By.id("username")).getLocation().getY());
            });
        }

        @Test
        void anUninvitedPersonSeesAPlainSentence(TestEnvironment env) {
            String email = newEmail("chromium-stranger");
            inChromium("en", "not-invited", (driver, shot) -> {
                driver.get(Browser.authorizationRequestUrl(env, TestEnvironment.IDP_ALIAS, Browser.random()));
                driver.findElement(By.name("username")).sendKeys("chromium-" + email);
                driver.findElement(By.name("claims")).sendKeys(json(EntraUser.of(env, email)));
                driver.findElement(By.cssSelector("input[type=submit]")).click();
                new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> d.getPageSource().contains("has not been invited"));
                shot.accept("not-invited");
                assertThat(driver.findElement(By.tagName("body")).getText())
                    .contains("This account has not been invited to Flowise. Ask your administrator for an invitation.");
            });
        }

        @Test
        void aDeadLinkSaysSoInGermanToo(TestEnvironment env) {
            inChromium("de", "no-longer-valid-de", (driver, shot) -> {
                driver.get(Browser.invitationLink(env, "A".repeat(43)) + "&kc_locale=de");
                shot.accept("no-longer-valid-de");
                assertThat(driver.findElement(By.tagName("body")).getText()).contains("Diese Einladung ist nicht mehr gültig");
            });
        }
    }

    // --- helpers ---

    interface Journey {
        void run(WebDriver driver, Consumer<String> screenshot);
    }

    static void inChromium(String language, String name, Journey journey) {
        try (Chromium chromium = Chromium.start(language)) {
            try {
                journey.run(chromium.driver(), chromium::screenshot);
            } catch (RuntimeException | AssertionError e) {
                chromium.screenshot("FAILED-" + name);
                throw e;
            }
        }
    }

    /** The journey went through the door's login initiation, and the door's own sign-in got a code. */
    static void assertHandedToTheDoor(WebDriver driver, TestEnvironment env) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("code="));
        assertThat(env.flowise().initiations()).isNotEmpty();
        assertThat(env.flowise().initiations().get(env.flowise().initiations().size() - 1))
            .containsEntry("target_link_uri", env.flowise().url() + "/");
    }

    static void waitForUrl(WebDriver driver, String prefix) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> d.getCurrentUrl().startsWith(prefix));
    }

    static String json(EntraUser user) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(user.claims());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
