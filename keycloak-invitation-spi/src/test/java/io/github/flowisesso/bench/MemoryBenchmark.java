package io.github.flowisesso.bench;

import io.github.flowisesso.bench.BrokerLogins.Outcome;
import io.github.flowisesso.testsupport.FlowiseStub;
import io.github.flowisesso.testsupport.FreePorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * 5. Heap after a workload, with and without the extension. Same distribution, same JVM options, a fresh database
 * each run; a new realm with the same client and the same generic OIDC identity provider (Keycloak's {@code oidc}
 * type, since the distribution without the extension has no {@code entra-id}); 1,000 first logins of new identities.
 * With the extension the realm's provider uses the invitation flow and the run first creates 100,000 invitations
 * (bulk, the 1,000 signing in among them); without it, Keycloak's "Create user if unique" and no invitations.
 */
final class MemoryBenchmark {

    private static final Pattern USED = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");
    static final String REALM = "membench";

    private MemoryBenchmark() {
    }

    record Run(String label, long usedAfterStartKb, long usedAfterWorkloadKb, long invitations, int logins, long seconds) {
    }

    static void run(BenchKeycloak with, BenchKeycloak without, LocalPostgres pg, Report report, int invitations, int logins,
                    boolean noiseRun) throws Exception {
        List<Run> runs = new ArrayList<>();
        runs.add(one("A (with)", with, pg, "bench_mem_with", invitations, logins, true));
        runs.add(one("B (without)", without, pg, "bench_mem_without", 0, logins, false));
        if (noiseRun) {
            runs.add(one("B' (without, again)", without, pg, "bench_mem_without2", 0, logins, false));
        }
        Run a = runs.get(0);
        Run b = runs.get(1);
        double ratio = (double) a.usedAfterWorkloadKb() / b.usedAfterWorkloadKb();
        report.section("5. Memory");
        report.paragraph(String.format("""
            One server per run, each on a fresh PostgreSQL database, `-Xms256m -Xmx1g` (G1, Keycloak's defaults otherwise).
            Each run creates a realm with the same confidential client and the same identity provider of Keycloak's
            generic `oidc` type (the distribution without the extension has no `entra-id`; both point at a
            non-interactive mock-oauth2-server), then the workload, then measures. **A**: the provider's first broker
            login flow is the extension's (*Create invited user*); %,d invitations are created
            through the bulk endpoint (sendEmail=false, %,d-row calls), then %,d new identities sign in (each is
            invited: an account, a claimed invitation). **B**: the same realm, client and provider with a flow of only
            Keycloak's *Create user if unique*, no invitations, the same %,d first logins: the same workload minus
            invitations (the extension keeps nothing per invitation in memory, so the fair baseline is no
            invitations at all, not another 100,000 of something else).%s
            Measurement: `jcmd <pid> GC.run` (a full, compacting collection) twice, then `jcmd <pid> GC.heap_info`;
            *used* of the G1 heap, three times, the median taken.""",
            invitations, 10_000, logins, logins, noiseRun ? " **B'** repeats B for the noise floor." : ""));
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            rows.add(List.of(r.label(), Report.num(r.invitations(), 0), String.valueOf(r.logins()),
                Report.num(r.usedAfterStartKb() / 1024.0, 1) + " MiB", Report.num(r.usedAfterWorkloadKb() / 1024.0, 1) + " MiB",
                r.seconds() + " s"));
        }
        report.table(List.of("run", "invitations", "first logins", "used heap after start + realm setup (after full GC)",
            "used heap after workload (after full GC)", "run took"), rows);
        String noise = runs.size() > 2 ? ", B/B' = " + Report.ratio((double) b.usedAfterWorkloadKb() / runs.get(2).usedAfterWorkloadKb()) : "";
        report.paragraph("Used heap after the workload, A ÷ B: **" + Report.ratio(ratio) + "**" + noise + ".");
        report.goal("Heap after 100k invitations + 1,000 logins, with ÷ without the extension", Report.ratio(ratio),
            "≤ 1.05", ratio <= 1.05);
    }

    private static Run one(String label, BenchKeycloak distribution, LocalPostgres pg, String database, int invitations,
                           int logins, boolean withExtension) throws Exception {
        long started = System.nanoTime();
        pg.createDatabase(database);
        MockOAuth2Server idp = BrokerLogins.standIn();
        idp.start(java.net.InetAddress.getLoopbackAddress(), FreePorts.next());
        String adminSecret = UUID.randomUUID().toString();
        Map<String, String> env = BenchKeycloak.adminEnvironment("bench-admin", adminSecret);
        try (FlowiseStub app = new FlowiseStub();
             BenchKeycloak.Running keycloak = distribution.start("memory-" + database, pg.url(database), env, List.of());
             AdminApi admin = new AdminApi(keycloak.baseUrl(), "bench-admin", adminSecret)) {
            String clientSecret = UUID.randomUUID().toString();
            setUpRealm(admin, idp, app.callbackUrl(), clientSecret, withExtension);
            BrokerLogins signIns = new BrokerLogins(keycloak.baseUrl(), REALM, "app", clientSecret, app.callbackUrl(), idp,
                REALM, "membench-idp-client");
            long pid = keycloak.javaPid();
            long afterStart = usedHeapKb(pid);
            List<String> emails = new ArrayList<>();
            for (int i = 0; i < logins; i++) {
                emails.add("mem-" + i + "@memory.example");
            }
            for (int from = 0; from < invitations; from += 10_000) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = from; i < Math.min(invitations, from + 10_000); i++) {
                    String email = i < logins ? emails.get(i) : "mem-invited-" + i + "@memory.example";
                    rows.add(Map.of("email", email, "loginType", "SSO", "identityProvider", "idp"));
                }
                AdminApi.Answer answer = admin.post(REALM + "/invitations/bulk?sendEmail=false", rows);
                if (answer.status() != 200 || !answer.body().contains("\"failed\":0")) {
                    throw new IllegalStateException("bulk answered " + answer.status());
                }
            }
            for (String email : emails) {
                String subject = BrokerLogins.newSubject();
                Map<String, Object> claims = new LinkedHashMap<>(BrokerLogins.entraClaims("none", subject, email));
                signIns.signIn("idp", subject, claims, Outcome.TOKENS);
            }
            long afterWorkload = usedHeapKb(pid);
            Run run = new Run(label, afterStart, afterWorkload, invitations, logins, (System.nanoTime() - started) / 1_000_000_000L);
            Benchmarks.log("memory " + label + ": " + afterStart / 1024 + " MiB after start, " + afterWorkload / 1024 + " MiB after workload");
            return run;
        } finally {
            idp.shutdown();
        }
    }

    private static void setUpRealm(AdminApi admin, MockOAuth2Server idp, String redirectUri, String clientSecret,
                                   boolean withExtension) {
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(REALM);
        realm.setEnabled(true);
        admin.client().realms().create(realm);
        RealmResource r = admin.client().realm(REALM);
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId("app");
        client.setSecret(clientSecret);
        client.setPublicClient(false);
        client.setStandardFlowEnabled(true);
        client.setDirectAccessGrantsEnabled(false);
        client.setRedirectUris(List.of(redirectUri));
        r.clients().create(client).close();
        String flowAlias = withExtension ? "membench invitation first broker login" : "membench stock first broker login";
        List<String> steps = withExtension ? List.of("invitation-create-user") : List.of("idp-create-user-if-unique");
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(flowAlias);
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        r.flows().createFlow(flow).close();
        for (String step : steps) {
            r.flows().addExecution(flowAlias, Map.of("provider", step));
        }
        for (AuthenticationExecutionInfoRepresentation execution : r.flows().getExecutions(flowAlias)) {
            execution.setRequirement("REQUIRED");
            r.flows().updateExecutions(flowAlias, execution);
        }
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias("idp");
        provider.setProviderId("oidc");
        provider.setEnabled(true);
        provider.setTrustEmail(false);
        provider.setFirstBrokerLoginFlowAlias(flowAlias);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("clientId", "membench-idp-client");
        config.put("clientSecret", "not-checked-by-the-mock");
        config.put("clientAuthMethod", "client_secret_post");
        config.put("issuer", idp.issuerUrl(REALM).toString());
        config.put("authorizationUrl", idp.authorizationEndpointUrl(REALM).toString());
        config.put("tokenUrl", idp.tokenEndpointUrl(REALM).toString());
        config.put("jwksUrl", idp.jwksUrl(REALM).toString());
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("syncMode", "IMPORT");
        config.put("defaultScope", "openid email profile");
        provider.setConfig(config);
        try (var created = r.identityProviders().create(provider)) {
            if (created.getStatus() != 201) {
                throw new IllegalStateException("identity provider: " + created.getStatus() + " " + created.readEntity(String.class));
            }
        }
    }

    /** Used heap (KiB) after full collections: the median of three {@code GC.run} + {@code GC.heap_info}. */
    static long usedHeapKb(long pid) {
        List<Long> used = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jcmd(pid, "GC.run");
            jcmd(pid, "GC.run");
            Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
            if (!m.find()) {
                throw new IllegalStateException("no G1 heap line in GC.heap_info of " + pid);
            }
            used.add(Long.parseLong(m.group(2)));
        }
        used.sort(Long::compare);
        return used.get(1);
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String tool = java.nio.file.Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
        return BenchReport.command(tool, String.valueOf(pid), command);
    }
}
