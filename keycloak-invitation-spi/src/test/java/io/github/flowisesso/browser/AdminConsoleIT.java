package io.github.flowisesso.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Chromium;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What an admin sees in Keycloak 26.7's admin console: the Entra provider type and its three fields. */
@ExtendWith(KeycloakExtension.class)
class AdminConsoleIT {

    @Nested
    class GivenAnAdminSettingUpSso {

        @Test
        void microsoftEntraIdIsOfferedWithTenantClientAndSecretFields(TestEnvironment env) {
            RealBrowserJourneysIT.inChromium("en", "admin-console", (driver, shot) -> {
                signIn(driver, env);
                waitForText(driver, "Identity providers");

                driver.get(env.keycloak().browserUrl() + "/admin/master/console/#/flowise/identity-providers/entra-id/add");
                waitForText(driver, "Tenant ID");
                shot.accept("admin-2-add-entra-id");
                String page = new WebDriverWait(driver, Duration.ofSeconds(10))
                    .ignoring(org.openqa.selenium.WebDriverException.class)
                    .until(d -> d.findElement(By.tagName("body")).getText());
                assertThat(page).contains("Redirect URI", "Client ID", "Client Secret", "Tenant ID");
                assertThat(page).as("no manual endpoint fields").doesNotContain("Token URL", "Authorization URL");
            });
        }
    }

    static void signIn(WebDriver driver, TestEnvironment env) {
        driver.get(env.keycloak().browserUrl() + "/admin/master/console/");
        new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.WebDriverException.class)
            .until(d -> !d.findElements(By.id("username")).isEmpty());
        driver.findElement(By.id("username")).sendKeys(TestEnvironment.ADMIN_USER);
        driver.findElement(By.id("password")).sendKeys(env.adminUserPassword());
        driver.findElement(By.id("kc-login")).click();
    }

    static void waitForText(WebDriver driver, String text) {
        // The console is a single-page app: the body it re-renders may go stale between lookup and read, which
        // Chromium reports as a stale element or as an inspector error ("Node ... does not belong to the document").
        new WebDriverWait(driver, Duration.ofSeconds(45)).ignoring(org.openqa.selenium.WebDriverException.class)
            .until(d -> d.findElement(By.tagName("body")).getText().contains(text));
    }
}
