package io.github.flowisesso.email;

import io.github.flowisesso.invitation.Labels;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;
import org.keycloak.theme.beans.LinkExpirationFormatterMethod;

/**
 * The invitation email: who invites whom to what, how to sign in, until when, and the link. Rendered by the realm's
 * email theme ({@code invitation.ftl}) and sent through the realm's SMTP settings, by the {@link MailOutbox} worker
 * (no request at hand: everything the mail says comes from {@link Content}).
 */
public final class InvitationEmail {

    static final String TEMPLATE = "invitation.ftl";
    static final String SUBJECT_KEY = "invitationSubject";
    /** The template attribute that tells Keycloak's email templating to leave request headers out of the locale. */
    private static final String IGNORE_ACCEPT_LANGUAGE = "IGNORE_ACCEPT_LANGUAGE_HEADER";

    /** What the email says; names are null when unknown. */
    public record Content(String email, String firstName, String lastName, String locale, boolean sso,
                          String identityProviderName, String inviterName, String link, long expiresAt,
                          long validForMillis) {
    }

    private InvitationEmail() {
    }

    /** Whether the realm can send mail at all (a host is set); whether that server is up is the outbox's business. */
    public static boolean hasMailServer(RealmModel realm) {
        String host = realm.getSmtpConfig() == null ? null : realm.getSmtpConfig().get("host");
        return host != null && !host.isBlank();
    }

    public static void send(KeycloakSession session, RealmModel realm, Content content) throws EmailException {
        String locale = content.locale() != null ? content.locale() : realm.getDefaultLocale();
        UserModel invitee = new InviteeUser(session, realm, content.email(), content.firstName(), content.lastName(), locale);
        String realmName = Labels.realm(realm);

        Map<String, Object> attributes = new HashMap<>();
        attributes.put("link", content.link());
        attributes.put("inviterName", content.inviterName());
        attributes.put("inviteeName", fullName(content.firstName(), content.lastName()));
        attributes.put("inviteeEmail", content.email());
        attributes.put("sso", content.sso());
        attributes.put("identityProviderName", content.identityProviderName());
        attributes.put("linkExpiration", roundedMinutes(content.validForMillis()));
        // No Accept-Language: the outbox sends outside any request, and the invitee's language is not the admin's.
        attributes.put(IGNORE_ACCEPT_LANGUAGE, true);
        Locale resolved = session.getContext().resolveLocale(invitee, true);
        attributes.put("linkExpirationFormatter", new LinkExpirationFormatterMethod(messages(session, realm, resolved), resolved));
        attributes.put("expiresAt", DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
            .withLocale(resolved).withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(content.expiresAt())) + " UTC");

        session.getProvider(EmailTemplateProvider.class)
            .setRealm(realm)
            .setUser(invitee)
            .send(SUBJECT_KEY, List.of(realmName, content.inviterName()), TEMPLATE, attributes);
    }

    private static java.util.Properties messages(KeycloakSession session, RealmModel realm, Locale locale) throws EmailException {
        try {
            return session.theme().getTheme(Theme.Type.EMAIL).getEnhancedMessages(realm, locale);
        } catch (IOException e) {
            throw new EmailException("Cannot read the email theme's messages", e);
        }
    }

    /**
     * What is left of the validity when the mail goes out, as people say it: "2 days", not "2879 minutes" (the mail
     * leaves a moment after the invitation was made, or hours later after retries). The exact time follows it.
     */
    static long roundedMinutes(long millis) {
        long minutes = Math.round(millis / 60_000.0);
        return minutes < 60 ? Math.max(1, minutes) : Math.round(minutes / 60.0) * 60;
    }

    private static String fullName(String first, String last) {
        String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
        return name.isEmpty() ? null : name;
    }
}
