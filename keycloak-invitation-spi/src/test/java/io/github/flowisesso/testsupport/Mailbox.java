package io.github.flowisesso.testsupport;

import org.keycloak.representations.idm.RealmRepresentation;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An SMTP server on a free loopback port (GreenMail) that keeps every message Keycloak sends. */
public final class Mailbox implements AutoCloseable {

    public static final String FROM = "sso@flowise.test";

    private final GreenMail server;
    private final int port;

    public Mailbox() {
        port = FreePorts.next();
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    /** A new mailbox that the flowise realm of this server now sends its mail to. */
    public static Mailbox forTheRealm(TestEnvironment env) {
        Mailbox mailbox = new Mailbox();
        RealmRepresentation smtp = new RealmRepresentation();
        smtp.setSmtpServer(mailbox.smtpSettings());
        env.realm().update(smtp);
        return mailbox;
    }

    /** A received message, decoded: subject, plain-text part, HTML part. */
    public record Mail(String to, String subject, String text, String html) {
    }

    /** The realm's {@code smtpServer} settings that deliver here. */
    public Map<String, String> smtpSettings() {
        return smtpSettings(port);
    }

    public static Map<String, String> smtpSettings(int port) {
        Map<String, String> smtp = new LinkedHashMap<>();
        smtp.put("host", "127.0.0.1");
        smtp.put("port", String.valueOf(port));
        smtp.put("from", FROM);
        smtp.put("fromDisplayName", "Flowise SSO");
        smtp.put("auth", "false");
        smtp.put("ssl", "false");
        smtp.put("starttls", "false");
        return smtp;
    }

    /** Everything received so far, whoever it was for. */
    public List<MimeMessage> received() {
        return List.of(server.getReceivedMessages());
    }

    /** Everything sent to this address so far (Keycloak sends within the request, so no waiting is needed). */
    public List<Mail> to(String address) {
        List<Mail> mails = new ArrayList<>();
        for (MimeMessage message : server.getReceivedMessages()) {
            try {
                if (message.getAllRecipients() != null && java.util.Arrays.stream(message.getAllRecipients())
                        .anyMatch(a -> a.toString().equalsIgnoreCase(address))) {
                    mails.add(decode(address, message));
                }
            } catch (MessagingException | IOException e) {
                throw new IllegalStateException("Cannot read a received message", e);
            }
        }
        return mails;
    }

    private static Mail decode(String to, MimeMessage message) throws MessagingException, IOException {
        String text = null;
        String html = null;
        Object content = message.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    html = (String) part.getContent();
                }
            }
        } else if (message.isMimeType("text/html")) {
            html = (String) content;
        } else {
            text = (String) content;
        }
        return new Mail(to, message.getSubject(), text, html);
    }

    @Override
    public void close() {
        server.stop();
    }
}
