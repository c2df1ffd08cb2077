package io.github.flowisesso.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers shared by the slow deployment tests (cluster, upgrade): distribution copies, ports, form requests. */
final class ClusterSupport {

    private ClusterSupport() {
    }

    /** {@code cp -a}: keeps the timestamps Keycloak compares with its last build. */
    static void copyDistribution(Path from, Path to) {
        run(List.of("rm", "-rf", to.toString()));
        run(List.of("mkdir", "-p", to.getParent().toString()));
        run(List.of("cp", "-a", from.toString(), to.toString()));
    }

    static void run(List<String> command) {
        run(command, null);
    }

    static void run(List<String> command, Path directory) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(command + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JGroups bind port: the default stack's FD_SOCK2 listens on bind port + 50000, so both must be free and the
     * bind port below 15536 (OS-assigned ephemeral ports are too high).
     */
    static int jgroupsPort(int... taken) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(10000, 15400);
            boolean clash = false;
            for (int t : taken) {
                clash |= Math.abs(t - port) < 10;
            }
            if (!clash && free(port) && free(port + 1) && free(port + 50000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free JGroups port");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static final Pattern VIEW = Pattern.compile("ISPN000094.*?\\((\\d+)\\)");

    /** Waits until the node's latest cluster view (Infinispan ISPN000094 log line) has {@code members} members. */
    static void awaitClusterView(Path log, int members, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            for (String line : Files.readAllLines(log)) {
                if (line.contains("ISPN000094")) {
                    last = line;
                }
            }
            if (last != null) {
                Matcher m = VIEW.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) == members) {
                    return;
                }
            }
            Thread.sleep(500); // polling a log, not waiting for a guessed duration
        }
        throw new AssertionError("no cluster view of " + members + " in " + log + "; last: " + last);
    }

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\"\\s+value=\"([^\"]+)\"");

    /** The invitation page's CSRF value, fetched from this node (its cookie carries the same value). */
    static String csrfFrom(HttpClient http, String nodeBrowserUrl, String token) throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(acceptUrl(nodeBrowserUrl) + "?token=" + token))
            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = CSRF.matcher(page.body());
        if (page.statusCode() != 200 || !m.find()) {
            throw new AssertionError("invitation page " + page.statusCode() + ":\n" + page.body());
        }
        String cookie = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("FLOWISE_INVITATION_CSRF="))
            .findFirst().orElseThrow(() -> new AssertionError("no CSRF cookie from " + nodeBrowserUrl));
        String cookieValue = cookie.substring("FLOWISE_INVITATION_CSRF=".length()).split(";")[0];
        if (!cookieValue.equals(m.group(1))) {
            throw new AssertionError("cookie and form differ");
        }
        return m.group(1);
    }

    static String acceptUrl(String nodeBrowserUrl) {
        return nodeBrowserUrl + "/realms/flowise/invitations/accept";
    }

    /** The password invitation's accept form, posted as the page's browser would. */
    static HttpRequest acceptRequest(String nodeBrowserUrl, String token, String csrf) {
        return HttpRequest.newBuilder(URI.create(acceptUrl(nodeBrowserUrl)))
            .timeout(Duration.ofSeconds(90))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", "FLOWISE_INVITATION_CSRF=" + csrf)
            .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&csrf=" + csrf))
            .build();
    }

    static String tokenOf(String link) {
        return link.substring(link.indexOf("token=") + "token=".length());
    }
}
