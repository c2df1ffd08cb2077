package io.github.flowisesso.scim;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A SCIM error answer (RFC 7644, 3.12): status, {@code scimType} where one applies, and a plain sentence. */
final class ScimError extends RuntimeException {

    static final String MEDIA_TYPE = "application/scim+json";

    private final int status;
    private final String scimType;

    private ScimError(int status, String scimType, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.scimType = scimType;
    }

    static ScimError invalidFilter(String detail) {
        return new ScimError(400, "invalidFilter", detail);
    }

    static ScimError invalidSyntax(String detail) {
        return new ScimError(400, "invalidSyntax", detail);
    }

    static ScimError invalidValue(String detail) {
        return new ScimError(400, "invalidValue", detail);
    }

    static ScimError invalidPath(String detail) {
        return new ScimError(400, "invalidPath", detail);
    }

    static ScimError uniqueness(String detail) {
        return new ScimError(409, "uniqueness", detail);
    }

    static ScimError notFound() {
        return new ScimError(404, null, "No such user");
    }

    static ScimError unauthorized() {
        return new ScimError(401, null, "A valid provisioning secret token is required");
    }

    static ScimError tooLarge(String detail) {
        return new ScimError(413, null, detail);
    }

    Response toResponse() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:Error"));
        body.put("status", String.valueOf(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", getMessage());
        Response.ResponseBuilder answer = Response.status(status).type(MEDIA_TYPE).entity(body);
        if (status == 401) {
            answer.header("WWW-Authenticate", "Bearer realm=\"scim\"");
        }
        return answer.build();
    }
}
