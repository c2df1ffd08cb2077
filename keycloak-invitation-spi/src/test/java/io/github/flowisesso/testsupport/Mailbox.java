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

    private GreenMail server;
    private final int port;
    /** What earlier runs of the server (before {@link #goDown()}) received. */
    private final List<MimeMessage> before = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Mailbox() {
        this(true);
    }

    private Mailbox(boolean up) {
        port = FreePorts.next();
        if (up) {
            comeBack();
        }
    }

    /** A mailbox whose server is down (connections refused) until {@link #comeBack()}. */
    public static Mailbox down() {
        return new Mailbox(false);
    }

    /** The mail server stops: connections are refused. What it received stays readable here. */
    public synchronized void goDown() {
        if (server != null) {
            before.addAll(List.of(server.getReceivedMessages()));
            server.stop();
            server = null;
        }
    }

    /** The mail server listens again, on the same port. */
    public synchronized void comeBack() {
        if (server == null) {
            server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            server.start();
        }
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
    public synchronized List<MimeMessage> received() {
        List<MimeMessage> all = new ArrayList<>(before);
        if (server != null) {
            all.addAll(List.of(server.getReceivedMessages()));
        }
        return all;
    }

    /**
     * Everything sent to this address so far. Invitation emails go out after the request, from the outbox: wait for
     * them with {@link #awaitTo}; this is for "nothing arrived" once the invitation says there is nothing to send.
     */
    public List<Mail> to(String address) {
        List<Mail> mails = new ArrayList<>();
        for (MimeMessage message : received()) {
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

    /**
     * Waits until at least {@code count} mails have arrived in all (GreenMail's own latch: no copying of what arrived
     * while waiting, which would slow down the server being waited for).
     */
    public void awaitReceived(int count, java.time.Duration patience) {
        GreenMail current;
        int earlier;
        synchronized (this) {
            current = server;
            earlier = before.size();
        }
        if (current == null) {
            throw new IllegalStateException("the mail server is down");
        }
        if (!current.waitForIncomingEmail(patience.toMillis(), count - earlier)) {
            throw new AssertionError("Waited " + patience.toSeconds() + " s for " + count + " mails; "
                + received().size() + " arrived");
        }
    }

    /** The mails to this address, once there are at least {@code count} (30 s of patience). */
    public List<Mail> awaitTo(String address, int count) {
        return Eventually.until(count + " mail(s) to " + address, java.time.Duration.ofSeconds(30), () -> to(address),
            mails -> mails.size() >= count);
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
        goDown();
    }
}
