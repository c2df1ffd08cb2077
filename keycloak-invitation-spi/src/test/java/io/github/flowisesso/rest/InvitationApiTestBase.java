package io.github.flowisesso.rest;

import static io.github.flowisesso.rest.ApiFixtures.REALM;
import static org.assertj.core.api.Assertions.assertThat;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.Mailbox.Mail;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.AdminEventRepresentation;

/**
 * What the invitation admin API's tests share: a mailbox the flowise realm sends to, the realms and group they use,
 * and the helpers that read answers, mail and admin events. One subclass per capability.
 */
@ExtendWith(KeycloakExtension.class)
abstract class InvitationApiTestBase {

    static final Pattern LINK = Pattern.compile("(https?://\\S+?/realms/([^/\\s]+)/invitations/accept\\?token=([A-Za-z0-9_-]+))");
    static final long HOUR = 3_600_000L;

    static Mailbox mailbox;

    @BeforeAll
    static void mailAndRealms(TestEnvironment env) {
        mailbox = Mailbox.forTheRealm(env);
        ApiFixtures.ensureRealms(env);
        ApiFixtures.ensureGroup(env, "/workspaces/research");
    }

    @AfterAll
    static void stopMail() {
        if (mailbox != null) {
            mailbox.close();
        }
    }

    // --- helpers ---

    static Map<String, Object> assertRefused(TestEnvironment env, Map<String, Object> body, int status, String error, String field) {
        Answer answer = env.invitationApi().create(REALM, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        Map<String, Object> json = answer.json();
        assertThat(json).containsEntry("error", error).containsEntry("field", field).containsKey("error_description");
        return json;
    }

    static Mail onlyMailTo(String email) {
        List<Mail> mails = mailbox.awaitTo(email, 1);
        assertThat(mails).as("mails to " + email).hasSize(1);
        return mails.get(0);
    }

    /** The token of the one invitation link in the mail, which must start with {@code prefix}. */
    static String tokenIn(Mail mail, String prefix) {
        Matcher matcher = LINK.matcher(mail.text());
        assertThat(matcher.find()).as("an invitation link in:\n" + mail.text()).isTrue();
        return tokenOf(matcher.group(1), prefix);
    }

    static String tokenOf(String link, String prefix) {
        assertThat(link).startsWith(prefix).matches(Pattern.quote(prefix) + "[A-Za-z0-9_-]{43}");
        return link.substring(prefix.length());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("results");
    }

    static List<AdminEventRepresentation> adminEvents(TestEnvironment env, String realm, String operation, String path) {
        // Filtered the way an auditor would: resource type CUSTOM, resource path invitations/...
        return env.admin().realm(realm).getAdminEvents(List.of(operation), null, null, null, null, path, List.of("CUSTOM"),
            null, null, 0, 100);
    }

    static AdminEventRepresentation onlyAdminEvent(TestEnvironment env, String realm, String operation, String path) {
        List<AdminEventRepresentation> events = adminEvents(env, realm, operation, path);
        assertThat(events).as(operation + " " + path).hasSize(1);
        return events.get(0);
    }
}
