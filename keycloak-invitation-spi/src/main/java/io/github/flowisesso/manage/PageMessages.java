package io.github.flowisesso.manage;

import java.io.IOException;
import org.keycloak.common.util.HtmlUtils;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The page's texts in the realm's locale (English and German ship; English fills any gap). */
final class PageMessages {

    private static final Pattern KEY = Pattern.compile("\\$\\{msg\\.([A-Za-z0-9.]+)}");

    private final String language;
    private final Map<String, String> messages;

    private PageMessages(String language, Map<String, String> messages) {
        this.language = language;
        this.messages = messages;
    }

    static PageMessages of(Locale locale) {
        Map<String, String> messages = new TreeMap<>(load("en"));
        String language = "en";
        if (locale != null && !"en".equals(locale.getLanguage())) {
            Map<String, String> translated = load(locale.getLanguage());
            if (!translated.isEmpty()) {
                messages.putAll(translated);
                language = locale.getLanguage();
            }
        }
        return new PageMessages(language, messages);
    }

    String language() {
        return language;
    }

    Map<String, String> all() {
        return messages;
    }

    /** Replaces {@code ${msg.key}} in the page with the escaped text; an unknown key fails loudly in tests. */
    String fill(String html) {
        Matcher m = KEY.matcher(html);
        StringBuilder out = new StringBuilder(html.length());
        while (m.find()) {
            String text = messages.get(m.group(1));
            if (text == null) {
                throw new IllegalStateException("no page message " + m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(HtmlUtils.escapeAttribute(text)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Map<String, String> load(String language) {
        if (!language.matches("[a-z]{2,3}")) {
            return Map.of();
        }
        try (InputStream in = PageMessages.class.getResourceAsStream("/invitations-page/messages_" + language + ".properties")) {
            if (in == null) {
                return Map.of();
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> messages = new TreeMap<>();
            properties.stringPropertyNames().forEach(key -> messages.put(key, properties.getProperty(key)));
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
