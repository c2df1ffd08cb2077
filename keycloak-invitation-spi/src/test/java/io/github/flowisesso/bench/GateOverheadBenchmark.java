package io.github.flowisesso.bench;

import io.github.flowisesso.bench.BrokerLogins.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * 1. What the invitation gate adds to a sign-in.
 *
 * <p>First login: the full first-broker-login of a new, invited Entra identity through {@code entra} (flow
 * "invitation first broker login": the claim of the open invitation, Keycloak's user creation, roles/groups, the
 * accepted event) against the same through {@code entra-stock} (same provider type, tenant and stand-in; Keycloak's
 * built-in first broker login flow) and {@code entra-bare} (only Keycloak's "Create user if unique"). Returning user: the same account signs in through
 * {@code entra} (the provider's login-type check), {@code entra-oidc} (Keycloak's own oidc type: no check) and
 * {@code entra-noop-post} (Keycloak's "Allow access" as a post broker login flow).
 */
final class GateOverheadBenchmark {

    private GateOverheadBenchmark() {
    }

    static void run(MainServer server, Report report, int warmup, int rounds, Duration budget) {
        // Every gate sample consumes one invitation: create them all up front, outside the timed part.
        int gateSamples = 2 * (warmup + rounds);
        List<String> invited = new ArrayList<>(gateSamples);
        for (int i = 0; i < gateSamples; i++) {
            invited.add("gate-" + i + "@bench.example");
        }
        server.invite(invited, MainServer.ENTRA);
        AtomicInteger nextInvited = new AtomicInteger();
        AtomicInteger nextStock = new AtomicInteger();
        List<String[]> enrolled = new ArrayList<>(); // {email, subject} of accounts made by the gate

        Interleaved.Result first = Interleaved.run(List.of(
            new Interleaved.Variant("gate", i -> gateLogin(server, invited.get(nextInvited.getAndIncrement()), enrolled)),
            new Interleaved.Variant("stock", i -> stockLogin(server, MainServer.ENTRA_STOCK, "stock-" + nextStock.getAndIncrement() + "@bench.example")),
            new Interleaved.Variant("bare", i -> stockLogin(server, MainServer.ENTRA_BARE, "bare-" + nextStock.getAndIncrement() + "@bench.example")),
            new Interleaved.Variant("gate'", i -> gateLogin(server, invited.get(nextInvited.getAndIncrement()), enrolled))),
            warmup, rounds, budget);
        Interleaved.writeCsv(server.samplesDir.resolve("gate-first-login.csv"), first);
        Comparison firstLogin = new Comparison("first login (new invited identity → account → code → tokens): the shipped flow (A) vs Keycloak's built-in *first broker login* (B)",
            first.of("gate"), first.of("stock"), first.of("gate'"));
        Comparison firstLoginBare = new Comparison("first login: the shipped flow (A) vs *Create user if unique* alone (B), the strictest baseline",
            first.of("gate"), first.of("bare"), first.of("gate'"));

        // Returning users: ten accounts the gate made, each also linked to the baseline providers, same Entra subject.
        List<String[]> returning = enrolled.subList(0, Math.min(10, enrolled.size()));
        var realm = server.admin.client().realm(MainServer.REALM);
        for (String[] account : returning) {
            UserRepresentation user = realm.users().searchByEmail(account[0], true).get(0);
            for (String alias : List.of(MainServer.ENTRA_OIDC, MainServer.ENTRA_NOOP_POST)) {
                FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
                link.setIdentityProvider(alias);
                link.setUserId(account[1]);
                link.setUserName(account[0]);
                realm.users().get(user.getId()).addFederatedIdentity(alias, link).close();
            }
        }
        Interleaved.Result again = Interleaved.run(List.of(
            new Interleaved.Variant("with check", i -> returningLogin(server, MainServer.ENTRA, returning.get(i % returning.size()))),
            new Interleaved.Variant("keycloak oidc", i -> returningLogin(server, MainServer.ENTRA_OIDC, returning.get(i % returning.size()))),
            new Interleaved.Variant("allow-access post flow", i -> returningLogin(server, MainServer.ENTRA_NOOP_POST, returning.get(i % returning.size()))),
            new Interleaved.Variant("with check'", i -> returningLogin(server, MainServer.ENTRA, returning.get(i % returning.size())))),
            warmup, rounds, budget);
        Interleaved.writeCsv(server.samplesDir.resolve("gate-returning.csv"), again);
        Comparison returningLogin = new Comparison(
            "returning user: `entra` with the login-type check (A) vs Keycloak's own `oidc` provider, no check (B)",
            again.of("with check"), again.of("keycloak oidc"), again.of("with check'"));
        Comparison postFlowCost = new Comparison(
            "returning user: `entra` plus an *Allow access* post broker login flow (A) vs `entra` (B): what a check in a post flow would cost",
            again.of("allow-access post flow"), again.of("with check"), null);

        if (Boolean.getBoolean("bench.hops")) {
            BrokerLogins.printHops();
        }
        report.section("1. Gate overhead at sign-in");
        report.paragraph("""
            A browser-free client (java.net.http, cookies and redirects by hand) signs in as Flowise would: authorization
            request with PKCE and `kc_idp_hint` → Keycloak → Entra stand-in (mock-oauth2-server, non-interactive: the
            token it issues carries the claims queued for this sign-in; on its Netty server, since the default one's
            Nagle + delayed-ACK stalls added ~40 ms to a random share of sign-ins) → Keycloak's broker endpoint → first broker
            login flow → authorization code → token request. One server, one stand-in tenant, identity providers of
            the same type (`entra-id`): **A** = `entra` with the shipped flow *invitation first broker login* (*Create
            invited user*: Keycloak's account lookups, the open invitation claimed and read in one conditional update,
            Keycloak's user creation, login type, accepted event); **B** = `entra-stock`
            with Keycloak's built-in *first broker login* flow (review profile if incomplete, which it is not here;
            create user if unique; account linking only for duplicates), the baseline the goal names; and, in a second
            row, `entra-bare`, bound to a flow with only Keycloak's *Create user if unique* (the user-creating step of
            the built-in flow), which leaves the gate's own work alone in the difference. Each A sign-in is a new
            invited address (invitations created beforehand with the bulk endpoint, untimed); each B sign-in a new
            address. A' is a second series of A from the same rounds (noise floor).
            """);
        report.paragraph("""
            Neither A nor B runs a post broker login flow: the `entra-id` provider type checks the login type itself
            at its callback. The check is measured on returning users: ten accounts made by the gate, each also
            linked with the same Entra subject to `entra-oidc` (Keycloak's own `oidc` provider type with the same
            endpoints, client, PKCE and signature validation: nothing of the extension runs) and `entra-noop-post`
            (a copy of `entra` with a post broker login flow holding only Keycloak's own *Allow access*
            authenticator), sign in again and again (round i uses account i mod 10) through `entra` (A, the
            check), `entra-oidc`, `entra-noop-post` and `entra` again (A'). The third row is why the check is not
            in a post broker login flow: any such flow costs two more redirects through Keycloak
            (`/login-actions/post-broker-login` and `/broker/after-post-broker-login`).
            """);
        report.paragraph(String.format("Rounds: %d warm-up (discarded), then %d (first login%s) and %d (returning%s) "
                + "measured; each round runs every variant once, in shuffled order. Took %d s and %d s.", warmup,
            first.rounds(), first.stoppedEarly() ? ", time budget reached" : "", again.rounds(),
            again.stoppedEarly() ? ", time budget reached" : "", first.took().toSeconds(), again.took().toSeconds()));
        report.table(Comparison.header("A", "B"), List.of(firstLogin.durationRow(), firstLoginBare.durationRow(),
            returningLogin.durationRow(), postFlowCost.durationRow()));
        report.goal("Gate at first login vs Keycloak's built-in first broker login flow: median ratio A/B", Report.ratio(firstLogin.medianRatio()), "≤ 1.02",
            firstLogin.medianRatio() <= 1.02);
        report.goal("Gate at first login vs Keycloak's built-in first broker login flow: p95 ratio A/B", Report.ratio(firstLogin.p95Ratio()), "≤ 1.05",
            firstLogin.p95Ratio() <= 1.05);
        report.goal("Returning user, login-type check vs Keycloak's own oidc provider without it: median ratio A/B",
            Report.ratio(returningLogin.medianRatio()), "≤ 1.02", returningLogin.medianRatio() <= 1.02);
    }

    private static long gateLogin(MainServer server, String email, List<String[]> enrolled) {
        String subject = BrokerLogins.newSubject();
        long nanos = server.logins.signIn(MainServer.ENTRA, subject, BrokerLogins.entraClaims(server.tenantId, subject, email),
            Outcome.TOKENS);
        synchronized (enrolled) {
            enrolled.add(new String[] {email, subject});
        }
        return nanos;
    }

    private static long stockLogin(MainServer server, String alias, String email) {
        String subject = BrokerLogins.newSubject();
        return server.logins.signIn(alias, subject, BrokerLogins.entraClaims(server.tenantId, subject, email),
            Outcome.TOKENS);
    }

    private static long returningLogin(MainServer server, String alias, String[] account) {
        Map<String, Object> claims = BrokerLogins.entraClaims(server.tenantId, account[1], account[0]);
        return server.logins.signIn(alias, account[1], claims, Outcome.TOKENS);
    }
}
