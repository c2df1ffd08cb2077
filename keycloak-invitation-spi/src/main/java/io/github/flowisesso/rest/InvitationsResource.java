package io.github.flowisesso.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.flowisesso.entra.EntraClaims;
import io.github.flowisesso.entra.EntraConfigurationCheck;
import io.github.flowisesso.email.MailOutbox;
import io.github.flowisesso.invitation.InvitationLinks;
import io.github.flowisesso.scim.ScimTokensResource;
import io.github.flowisesso.invitation.EmailAddresses;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStatus;
import io.github.flowisesso.invitation.InvitationStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/invitations}. Reading needs the right to view users, anything else the right to
 * manage them: an invitation is a user-to-be. Keycloak has already answered 401/403 for missing or foreign tokens
 * before this class is reached.
 */
public final class InvitationsResource {

    static final String PATH = "invitations";
    static final String CSV = "text/csv";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final InvitationApiConfig config;
    private final MailOutbox outbox;

    InvitationsResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                        AdminEventBuilder adminEvent, InvitationApiConfig config, MailOutbox outbox) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        // Keycloak's ResourceType has no INVITATION. The builder would take the string, but Keycloak's own
        // admin-events query parses resourceTypes as the enum and fails on unknown ones, so: CUSTOM, and the
        // resource path (invitations/{id}) says what it is.
        this.adminEvent = adminEvent.resource(ResourceType.CUSTOM);
        this.config = config;
        this.outbox = outbox;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("status") String status, @QueryParam("email") String email,
                         @QueryParam("after") String after, @QueryParam("first") String first,
                         @QueryParam("max") String max) {
        auth.users().requireView();
        return answer(() -> {
            InvitationStore.Filter filter = filter(status, email);
            InvitationStore.Cursor cursor = cursor(after);
            int from = number("first", first, 0);
            int size = Math.min(number("max", max, InvitationApiConfig.LIST_DEFAULT_MAX), InvitationApiConfig.LIST_MAX);
            long now = Time.currentTimeMillis();
            List<InvitationRepresentation> page = InvitationStore.of(session).list(realm.getId(), filter, now, cursor, from, size)
                .stream().map(i -> InvitationRepresentation.of(i, now)).toList();
            return Response.ok(page).build();
        });
    }

    @GET
    @Path("count")
    @Produces(MediaType.APPLICATION_JSON)
    public Response count(@QueryParam("status") String status, @QueryParam("email") String email) {
        auth.users().requireView();
        return answer(() -> Response.ok(InvitationStore.of(session)
            .count(realm.getId(), filter(status, email), Time.currentTimeMillis())).build());
    }

    /**
     * The count of each status, for a page's tabs. Counting stops at {@value InvitationApiConfig#COUNT_LIMIT}: a
     * status that has more says {@code "exact": false}, and its count is that limit.
     */
    @GET
    @Path("counts")
    @Produces(MediaType.APPLICATION_JSON)
    public Response counts(@QueryParam("email") String email) {
        auth.users().requireView();
        return answer(() -> {
            long now = Time.currentTimeMillis();
            InvitationStore store = InvitationStore.of(session);
            InvitationStore.Filter byEmail = filter(null, email);
            Map<String, Object> counts = new LinkedHashMap<>();
            for (InvitationStatus status : InvitationStatus.values()) {
                InvitationStore.Filter filter = new InvitationStore.Filter(status, byEmail.email(), byEmail.exactEmail());
                long upTo = store.countUpTo(realm.getId(), filter, now, InvitationApiConfig.COUNT_LIMIT + 1);
                counts.put(status.name(), Map.of("count", Math.min(upTo, InvitationApiConfig.COUNT_LIMIT),
                    "exact", upTo <= InvitationApiConfig.COUNT_LIMIT));
            }
            return Response.ok(counts).build();
        });
    }

    /**
     * What this caller may put into an invitation: the realm's enabled identity providers, the Flowise roles and
     * the groups they may hand out, the expiry bounds and the realm's locales. A form offers exactly these.
     */
    @GET
    @Path("options")
    @Produces(MediaType.APPLICATION_JSON)
    public Response options() {
        auth.users().requireView();
        return answer(() -> Response.ok(new InvitationRules(session, realm, config, auth).options()).build());
    }

    /** Entra ID provisioning: the Tenant URL and the Secret Tokens (see {@link ScimTokensResource}). */
    @Path("scim")
    public ScimTokensResource scim() {
        return new ScimTokensResource(session, realm, auth, adminEvent);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        auth.users().requireView();
        return answer(() -> Response.ok(InvitationRepresentation.of(find(id), Time.currentTimeMillis())).build());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        auth.users().requireManage();
        return answer(() -> {
            InvitationInput input = JsonInputs.createRequest(body);
            ValidInvitation valid = new InvitationRules(session, realm, config, auth).validate(input);
            InvitationIssuer.Issued issued = issuer().create(valid, input.sendEmail() == null || input.sendEmail());
            InvitationRepresentation rep = InvitationRepresentation.of(issued.invitation(), Time.currentTimeMillis());
            adminEvent.operation(OperationType.CREATE).resourcePath(PATH + "/" + rep.id()).representation(rep).success();
            URI location = session.getContext().getUri().getAbsolutePathBuilder().path(rep.id()).build();
            return Response.created(location).entity(rep.withLink(issued.link())).build();
        });
    }

    /**
     * Flowise's "Test Configuration" for an Entra ID provider: checks the saved settings, or candidate ones in the
     * body ({@code tenantId, clientId, clientSecret, authorityHost}), without saving anything. It reads and never
     * writes, so the right to view identity providers is enough (invitation managers hold it; see the realm's
     * {@code invitation-manager} role).
     */
    @POST
    @Path("sso/{alias}/test")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response testSsoConfiguration(@PathParam("alias") String alias, String body) {
        auth.realm().requireViewIdentityProviders();
        return answer(() -> {
            IdentityProviderModel idp = session.identityProviders().getByAlias(alias);
            if (idp == null) {
                throw InvitationError.notFound();
            }
            if (!EntraClaims.isEntra(idp)) {
                throw InvitationError.invalid("identityProvider", alias + " is not a Microsoft Entra ID provider");
            }
            Map<String, String> candidate = JsonInputs.ssoCandidate(body);
            return Response.ok(new EntraConfigurationCheck(session).run(realm, idp, candidate)).build();
        });
    }

    /** Revokes: the row stays (status REVOKED) for the record. Revoking again is fine; an accepted one cannot be. */
    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id) {
        auth.users().requireManage();
        return answer(() -> {
            InvitationStore store = InvitationStore.of(session);
            boolean revoked = store.revoke(realm.getId(), id);
            InvitationEntity invitation = find(id);
            if (invitation.getStatus() == InvitationStatus.ACCEPTED) {
                throw InvitationError.conflict(InvitationError.NOT_PENDING, null,
                    "The invitation was already accepted; disable or delete the user instead");
            }
            if (revoked) {
                adminEvent.operation(OperationType.DELETE).resourcePath(PATH + "/" + id)
                    .representation(InvitationRepresentation.of(invitation, Time.currentTimeMillis())).success();
            }
            return Response.noContent().build();
        });
    }

    @POST
    @Path("{id}/resend")
    @Produces(MediaType.APPLICATION_JSON)
    public Response resend(@PathParam("id") String id, String body) {
        auth.users().requireManage();
        return answer(() -> {
            InvitationInput input = JsonInputs.resendRequest(body);
            int hours = new InvitationRules(session, realm, config, auth).expiresInHours(input.expiresInHours());
            InvitationIssuer.Issued issued = issuer().resend(id, hours, input.sendEmail() == null || input.sendEmail());
            InvitationRepresentation rep = InvitationRepresentation.of(issued.invitation(), Time.currentTimeMillis());
            adminEvent.operation(OperationType.ACTION).resourcePath(PATH + "/" + id + "/resend").representation(rep).success();
            return Response.ok(rep.withLink(issued.link())).build();
        });
    }

    @POST
    @Path("bulk")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response bulkJson(String body, @QueryParam("sendEmail") String sendEmail) {
        auth.users().requireManage();
        return answer(() -> {
            JsonNode root = JsonInputs.parse(body);
            if (!root.isArray()) {
                throw InvitationError.invalid(null, "The bulk body must be a JSON array of invitations");
            }
            if (root.size() > InvitationApiConfig.BULK_MAX_ROWS) {
                throw InvitationError.invalid(null, "At most " + InvitationApiConfig.BULK_MAX_ROWS + " rows per call, got " + root.size());
            }
            List<BulkRow> rows = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                try {
                    rows.add(BulkRow.of(i + 1, JsonInputs.invitation(root.get(i))));
                } catch (InvitationError e) {
                    rows.add(BulkRow.unreadable(i + 1, e));
                }
            }
            return bulk(rows, sendEmail);
        });
    }

    @POST
    @Path("bulk")
    @Consumes(CSV)
    @Produces(MediaType.APPLICATION_JSON)
    public Response bulkCsv(String body, @QueryParam("sendEmail") String sendEmail) {
        auth.users().requireManage();
        return answer(() -> bulk(CsvInvitationRows.parse(body, InvitationApiConfig.BULK_MAX_ROWS), sendEmail));
    }

    /** Bulk calls send no email unless asked: a mistaken import must not mail thousands of people. */
    private Response bulk(List<BulkRow> rows, String sendEmailParam) {
        boolean sendEmail = bool("sendEmail", sendEmailParam, false);
        BulkInvitations bulk = new BulkInvitations(session, realm, config, Inviter.of(auth.adminAuth()),
            InvitationLinks.of(session), outbox, auth);
        BulkInvitations.Outcome outcome = outbox.holdDuring(() -> bulk.run(rows, sendEmail));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", rows.size());
        summary.put("created", outcome.created());
        summary.put("failed", outcome.failed());
        adminEvent.operation(OperationType.ACTION).resourcePath(PATH + "/bulk").representation(summary).success();
        Map<String, Object> body = new LinkedHashMap<>(summary);
        body.put("results", outcome.results());
        return Response.ok(body).build();
    }

    private InvitationIssuer issuer() {
        return new InvitationIssuer(session, realm, Inviter.of(auth.adminAuth()), InvitationLinks.of(session), outbox);
    }

    private InvitationEntity find(String id) {
        return InvitationStore.of(session).find(realm.getId(), id).orElseThrow(InvitationError::notFound);
    }

    /** Refusals write nothing: whatever this transaction did is rolled back, and the caller gets our JSON error. */
    private Response answer(Supplier<Response> action) {
        try {
            return action.get();
        } catch (InvitationError e) {
            session.getTransactionManager().setRollbackOnly();
            return e.toResponse();
        }
    }

    private static InvitationStore.Filter filter(String status, String email) {
        InvitationStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = InvitationStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw InvitationError.invalid("status", "'status' must be PENDING, ACCEPTED, REVOKED or EXPIRED");
            }
        }
        if (email == null || email.isBlank()) {
            return new InvitationStore.Filter(wanted, null, false);
        }
        // A whole address matches exactly (after canonicalisation); anything else is a search within addresses.
        String canonical = EmailAddresses.canonical(email).orElse(null);
        return canonical != null
            ? new InvitationStore.Filter(wanted, canonical, true)
            : new InvitationStore.Filter(wanted, email.strip().toLowerCase(Locale.ROOT), false);
    }

    /** {@code after=<createdAt>:<id>}, both from the last row of the page before. */
    private static InvitationStore.Cursor cursor(String after) {
        if (after == null || after.isBlank()) {
            return null;
        }
        int colon = after.indexOf(':');
        try {
            if (colon > 0 && colon < after.length() - 1 && after.length() <= 80) {
                return new InvitationStore.Cursor(Long.parseLong(after.substring(0, colon)), after.substring(colon + 1));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvitationError.invalid("after", "'after' must be <createdAt>:<id> of the last invitation of the page before");
    }

    private static int number(String name, String value, int byDefault) {
        if (value == null || value.isBlank()) {
            return byDefault;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvitationError.invalid(name, "'" + name + "' must be a whole number, 0 or more");
    }

    private static boolean bool(String name, String value, boolean byDefault) {
        if (value == null || value.isBlank()) {
            return byDefault;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw InvitationError.invalid(name, "'" + name + "' must be true or false");
        };
    }
}
