package io.github.flowisesso.bench;

import io.github.flowisesso.testsupport.ScimHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 9. Entra ID provisioning: a SCIM create (an invitation bound to an Entra object) against Keycloak's own admin user
 * creation, a SCIM PATCH (a name on a pending invitation) against Keycloak's own user update, and the time a
 * removal takes on the server (disable, sessions ended). Sequential requests, interleaved blocks, one run.
 */
final class ScimBenchmark {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private ScimBenchmark() {
    }

    static void run(MainServer server, Report report, int rounds, int block, Duration budget) {
        report.section("9. Entra ID provisioning (SCIM)");
        // The bench realm has several Entra providers (the gate's comparisons): name the one provisioning is for.
        org.keycloak.representations.idm.RealmRepresentation realm = server.admin.client().realm(MainServer.REALM).toRepresentation();
        realm.getAttributes().put("scim.identityProvider", MainServer.ENTRA);
        server.admin.client().realm(MainServer.REALM).update(realm);
        AdminApi.Answer issued = server.admin.call("POST", MainServer.REALM + "/invitations/scim/tokens", "application/json", "");
        if (issued.status() != 201) {
            throw new IllegalStateException("token answered " + issued.status() + ": " + issued.body());
        }
        String token = (String) read(issued.body()).get("token");
        ScimHttp scim = new ScimHttp(server.keycloak.baseUrl() + "/realms/" + MainServer.REALM + "/scim/v2", token);

        // Targets for the updates: pending invitations made through SCIM, and users made through the admin API.
        List<String> invitations = new ArrayList<>();
        List<String> users = new ArrayList<>();
        int targets = (rounds + 2) * block;
        for (int i = 0; i < targets; i++) {
            invitations.add(scimCreate(scim));
            users.add(userCreate(server));
        }
        AtomicInteger nextInvitation = new AtomicInteger();
        AtomicInteger nextUser = new AtomicInteger();
        Interleaved.Result result = Interleaved.run(List.of(
            new Interleaved.Variant("scim create", r -> time(block, () -> scimCreate(scim))),
            new Interleaved.Variant("user create", r -> time(block, () -> createUser(server))),
            new Interleaved.Variant("scim patch", r -> time(block, () -> scimPatch(scim, invitations.get(nextInvitation.getAndIncrement())))),
            new Interleaved.Variant("user update", r -> time(block, () -> userUpdate(server, users.get(nextUser.getAndIncrement()))))),
            2, rounds, budget);
        Samples create = result.of("scim create");
        Samples userCreate = result.of("user create");
        Samples patch = result.of("scim patch");
        Samples userUpdate = result.of("user update");

        // Removal: PATCH active=false on accounts (made through the admin API, bound to nothing), server round trip.
        Samples removal = new Samples();
        for (int i = 0; i < Math.min(100, users.size()); i++) {
            String id = users.get(users.size() - 1 - i);
            long start = System.nanoTime();
            ScimHttp.Answer answer = scim.send("PATCH", "/Users/" + id,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}");
            removal.add(System.nanoTime() - start);
            expect(answer, 200);
        }

        report.paragraph(String.format("""
            Sequential requests on loopback, blocks of %d, each round a block of each kind in shuffled order (%d rounds
            after 2 warm-up rounds). A: `POST /realms/flowise/scim/v2/Users` with a new address and `externalId` (an
            invitation bound to that Entra object), B: Keycloak's `POST /admin/realms/flowise/users`; C: `PATCH
            …/Users/{id}` replacing `name.familyName` of a pending invitation, D: Keycloak's `PUT …/users/{id}`
            changing `lastName`. Removal: `PATCH active "False"` on an account (disable, sessions and offline
            sessions removed), the whole round trip.""", block, result.rounds()));
        report.table(List.of("what", "median per request", "p95 of blocks ÷ requests"), List.of(
            List.of("A SCIM create", Report.ms(create.median() / block), Report.ms(create.p95() / block)),
            List.of("B Keycloak user create", Report.ms(userCreate.median() / block), Report.ms(userCreate.p95() / block)),
            List.of("C SCIM patch", Report.ms(patch.median() / block), Report.ms(patch.p95() / block)),
            List.of("D Keycloak user update", Report.ms(userUpdate.median() / block), Report.ms(userUpdate.p95() / block)),
            List.of("removal (disable, sessions ended)", Report.ms(removal.median()), Report.ms(removal.p95()))));
        double createRatio = create.median() / userCreate.median();
        double patchRatio = patch.median() / userUpdate.median();
        report.goal("SCIM create ÷ Keycloak user create (median block time)", Report.ratio(createRatio), "≤ 1.2", createRatio <= 1.2);
        report.goal("SCIM patch ÷ Keycloak user update (median block time)", Report.ratio(patchRatio), "≤ 1.2", patchRatio <= 1.2);
        report.goal("Removal to sessions ended, server round trip (median)", Report.ms(removal.median()), "≤ 1,000 ms",
            removal.median() <= 1e9);
    }

    private static long time(int requests, Runnable request) {
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            request.run();
        }
        return System.nanoTime() - start;
    }

    private static String scimCreate(ScimHttp scim) {
        int n = SEQUENCE.incrementAndGet();
        ScimHttp.Answer answer = scim.send("POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
            + "\"userName\":\"scim-" + n + "@bench.example\",\"externalId\":\"" + java.util.UUID.randomUUID() + "\","
            + "\"emails\":[{\"value\":\"scim-" + n + "@bench.example\",\"type\":\"work\",\"primary\":true}],"
            + "\"name\":{\"givenName\":\"Ada\",\"familyName\":\"Lovelace\"},\"active\":true}");
        expect(answer, 201);
        return (String) answer.json().get("id");
    }

    private static void scimPatch(ScimHttp scim, String id) {
        expect(scim.send("PATCH", "/Users/" + id, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
            + "\"Operations\":[{\"op\":\"Replace\",\"path\":\"name.familyName\",\"value\":\"Byron\"}]}"), 200);
    }

    /** A user to update later (untimed: the id is looked up). */
    private static String userCreate(MainServer server) {
        String email = createUser(server);
        return server.admin.client().realm(MainServer.REALM).users().searchByEmail(email, true).get(0).getId();
    }

    private static String createUser(MainServer server) {
        String email = "user-scim-" + SEQUENCE.incrementAndGet() + "@bench.example";
        AdminApi.Answer answer = server.admin.call("POST", MainServer.REALM + "/users", "application/json",
            AdminApi.write(Map.of("username", email, "email", email, "firstName", "Ada", "lastName", "Lovelace", "enabled", true)));
        if (answer.status() != 201) {
            throw new IllegalStateException("user creation answered " + answer.status() + ": " + answer.body());
        }
        return email;
    }

    private static void userUpdate(MainServer server, String id) {
        AdminApi.Answer answer = server.admin.call("PUT", MainServer.REALM + "/users/" + id, "application/json",
            AdminApi.write(Map.of("lastName", "Byron")));
        if (answer.status() != 204) {
            throw new IllegalStateException("user update answered " + answer.status() + ": " + answer.body());
        }
    }

    private static void expect(ScimHttp.Answer answer, int status) {
        if (answer.status() != status) {
            throw new IllegalStateException("SCIM answered " + answer);
        }
    }

    private static Map<String, Object> read(String json) {
        try {
            return AdminApi.JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<>() { });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
