package io.github.flowisesso.manage;

import io.github.flowisesso.invitation.Labels;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flowisesso.enrollment.InvitationLinkResourceProviderFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.keycloak.common.Version;
import org.keycloak.common.util.HtmlUtils;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;

/**
 * The invitations page at {@code /realms/{realm}/invitations/manage/}: static HTML, script and style from this jar,
 * with PatternFly as Keycloak serves it. The page signs the admin in through the realm's public
 * {@value PageClient#CLIENT_ID} client (authorization code + PKCE) and calls the invitation admin API with the
 * admin's own token, so it holds no authority of its own: what it may show and do is what that token may.
 */
public final class InvitationsPage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;

    public InvitationsPage(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    @GET
    public Response page() {
        URI request = session.getContext().getUri().getRequestUri();
        if (!request.getPath().endsWith("/")) {
            // One canonical address: it is the client's registered redirect URI. The query (?realm=) goes along.
            String query = request.getRawQuery();
            return Response.status(Response.Status.SEE_OTHER)
                .location(query == null ? pageUri() : URI.create(pageUri() + "?" + query)).build();
        }
        Locale locale = session.getContext().resolveLocale(null);
        PageMessages messages = PageMessages.of(locale);
        String html = messages.fill(PageAssets.text("index.html"))
            .replace("${lang}", HtmlUtils.escapeAttribute(messages.language()))
            .replace("${patternfly}", HtmlUtils.escapeAttribute(commonResources() + "/vendor/patternfly-v5/patternfly.min.css"))
            .replace("${assets}", HtmlUtils.escapeAttribute(pageUri().toString()))
            .replace("${config}", config(messages));
        return PageAssets.secured(session, Response.ok(html, "text/html; charset=utf-8")).build();
    }

    @GET
    @Path("{file}")
    public Response asset(@PathParam("file") String file) {
        String type = PageAssets.typeOf(file).orElseThrow(NotFoundException::new);
        return PageAssets.secured(session, Response.ok(PageAssets.text(file), type)).build();
    }

    private URI pageUri() {
        return session.getContext().getUri().getBaseUriBuilder().path("realms").path(realm.getName())
            .path(InvitationLinkResourceProviderFactory.ID).path("manage").path("/").build();
    }

    private String commonResources() {
        return session.getContext().getUri().getBaseUriBuilder().path("resources").path(Version.RESOURCES_VERSION)
            .path("common").path("keycloak").build().toString();
    }

    /**
     * What the script needs, as an inert JSON block: the strict CSP allows no inline script, and {@code <} is
     * escaped so that nothing in it can close the block.
     */
    private String config(PageMessages messages) {
        URI base = session.getContext().getUri().getBaseUri();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("realm", realm.getName());
        config.put("realmDisplayName", Labels.realm(realm));
        config.put("clientId", PageClient.CLIENT_ID);
        config.put("pageUrl", pageUri().toString());
        config.put("authUrl", OIDCLoginProtocolService.authUrl(session.getContext().getUri().getBaseUriBuilder()).build(realm.getName()).toString());
        config.put("tokenUrl", OIDCLoginProtocolService.tokenUrl(session.getContext().getUri().getBaseUriBuilder()).build(realm.getName()).toString());
        config.put("logoutUrl", OIDCLoginProtocolService.logoutUrl(session.getContext().getUri().getBaseUriBuilder()).build(realm.getName()).toString());
        // The realm whose invitations are managed is this one, or the one named by ?realm= (a master-realm admin signs
        // in here, at /realms/master/…, and manages another realm): the admin API decides whether the token may.
        config.put("adminUrl", base.resolve("admin/realms/").toString());
        config.put("consoleUrl", base.resolve("admin/" + realm.getName() + "/console/").toString());
        config.put("locale", messages.language());
        config.put("messages", messages.all());
        try {
            return JSON.writeValueAsString(config).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
