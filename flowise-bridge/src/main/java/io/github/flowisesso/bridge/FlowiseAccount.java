package io.github.flowisesso.bridge;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Open-source Flowise's one account, which every admitted person is signed into. The bridge owns it: it registers it
 * at start with credentials from a secret no person needs to know, so that no visitor can ever claim Flowise (its
 * registration is open to the first caller). If someone else got there first, the bridge refuses to start.
 */
final class FlowiseAccount {

    /** A Flowise sign-in: the cookies to hand to the browser and the user JSON its UI keeps in localStorage. */
    record SignIn(List<String> setCookies, String userJson) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI flowise;
    private final String forwardedProto;
    private final String name;
    private final String email;
    private final String password;

    FlowiseAccount(URI flowise, String forwardedProto, String name, String email, String password) {
        this.flowise = flowise;
        this.forwardedProto = forwardedProto;
        this.name = name;
        this.email = email;
        this.password = password;
    }

    /** Creates the account on a fresh Flowise, or proves on a used one that it is ours. */
    void claim() throws IOException, InterruptedException {
        HttpResponse<String> registered = post("/api/v1/account/register", Json.object(
            "user", Json.rawObject("name", name, "email", email, "credential", password)), null);
        if (registered.statusCode() == 201) {
            return;
        }
        if (signIn().isPresent()) {
            return;
        }
        throw new IllegalStateException("Flowise at " + flowise + " already has an account the bridge cannot sign into "
            + "(registration answered " + registered.statusCode() + "). Someone else registered first, or "
            + "FLOWISE_ACCOUNT_EMAIL/FLOWISE_ACCOUNT_PASSWORD changed: the bridge will not start.");
    }

    Optional<SignIn> signIn() throws IOException, InterruptedException {
        HttpResponse<String> response = post("/api/v1/auth/login", Json.rawObject("email", email, "password", password), null);
        // A body without email/password falls through to Flowise's UI (200 text/html): insist on the JSON user.
        boolean json = response.headers().firstValue("content-type").orElse("").startsWith("application/json");
        if (response.statusCode() != 200 || !json || !response.body().contains("\"id\"")) {
            return Optional.empty();
        }
        return Optional.of(new SignIn(response.headers().allValues("set-cookie"), response.body()));
    }

    /** Ends the browser's Flowise session (its session row), with the cookies the browser sent. */
    void signOut(String cookieHeader) throws IOException, InterruptedException {
        if (cookieHeader != null && !cookieHeader.isBlank()) {
            post("/api/v1/account/logout", "{}", cookieHeader);
        }
    }

    private HttpResponse<String> post(String path, String body, String cookies) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(flowise.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("x-request-from", "internal")
            // Flowise marks its cookies Secure when served over https; express-session then only sets its session
            // cookie on requests it believes arrived over https (Flowise trusts the proxy header).
            .header("X-Forwarded-Proto", forwardedProto)
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookies != null) {
            request.header("Cookie", cookies);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
