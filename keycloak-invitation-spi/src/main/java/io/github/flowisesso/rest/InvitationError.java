package io.github.flowisesso.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal the API answers with {@code {"error", "error_description", "field"}}; also one row's outcome in a bulk
 * call. No stack trace: it is an answer, not a fault, and bulk calls may raise thousands.
 */
final class InvitationError extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request";
    static final String INVITATION_EXISTS = "invitation_exists";
    static final String USER_EXISTS = "user_exists";
    static final String NOT_PENDING = "invitation_not_pending";
    static final String NOT_FOUND = "not_found";
    static final String BATCH_FAILED = "batch_failed";

    private final int status;
    private final String error;
    private final String field;

    private InvitationError(int status, String error, String field, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    static InvitationError invalid(String field, String description) {
        return new InvitationError(400, INVALID_REQUEST, field, description);
    }

    static InvitationError conflict(String error, String field, String description) {
        return new InvitationError(409, error, field, description);
    }

    /** The caller may not hand out this role or group (Keycloak's own membership and role-mapping rights). */
    static InvitationError forbidden(String field, String description) {
        return new InvitationError(403, "forbidden", field, description);
    }

    static InvitationError notFound() {
        return new InvitationError(404, NOT_FOUND, null, "No invitation with this id in this realm");
    }

    /** The database refused a bulk batch as a whole. */
    static InvitationError batchFailed(String description) {
        return new InvitationError(500, BATCH_FAILED, null, description);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    String field() {
        return field;
    }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        if (field != null) {
            body.put("field", field);
        }
        return body;
    }

    Response toResponse() {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body()).build();
    }
}
