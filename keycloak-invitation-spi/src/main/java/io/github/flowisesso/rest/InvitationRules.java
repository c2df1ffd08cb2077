package io.github.flowisesso.rest;

import io.github.flowisesso.invitation.Labels;
import io.github.flowisesso.invitation.EmailAddresses;
import io.github.flowisesso.invitation.FlowiseClient;
import io.github.flowisesso.invitation.InvitationGrants;
import io.github.flowisesso.invitation.LoginType;
import io.github.flowisesso.invitation.StringLists;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * What a create request must satisfy in its realm. Lookups are remembered, since a bulk batch asks the same
 * questions hundreds of times; one instance lives as long as one transaction.
 */
final class InvitationRules {

    private static final int MAX_NAME = 255;
    private static final int MAX_LIST_JSON = 4000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final InvitationApiConfig config;
    // An invitation hands out roles and groups later, on the invitee's behalf: the caller needs the same rights
    // Keycloak's own role-mapping and group-membership endpoints ask for, or manage-users would become realm-admin.
    private final AdminPermissionEvaluator auth;
    private final Map<String, Optional<String>> groupPaths = new HashMap<>();
    private List<IdentityProviderModel> enabledProviders;
    private Optional<ClientModel> flowise;

    InvitationRules(KeycloakSession session, RealmModel realm, InvitationApiConfig config, AdminPermissionEvaluator auth) {
        this.auth = auth;
        this.session = session;
        this.realm = realm;
        this.config = config;
    }

    ValidInvitation validate(InvitationInput in) {
        String email = email(in.email());
        LoginType loginType = loginType(in.loginType());
        return new ValidInvitation(
            email,
            loginType,
            identityProvider(loginType, in.identityProvider()),
            roles(in.roles()),
            groups(in.groups()),
            name(InvitationInput.FIRST_NAME, in.firstName()),
            name(InvitationInput.LAST_NAME, in.lastName()),
            redirectUri(in.redirectUri()),
            expiresInHours(in.expiresInHours()),
            locale(in.locale()));
    }

    /** What {@link #validate} would accept from this caller, for a form to offer (see the options endpoint). */
    Map<String, Object> options() {
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        options.put("loginTypes", java.util.Arrays.stream(LoginType.values()).map(Enum::name).toList());
        options.put("identityProviders", enabledProviders().stream().map(idp -> {
            Map<String, Object> one = new java.util.LinkedHashMap<>();
            one.put("alias", idp.getAlias());
            one.put("displayName", Labels.identityProvider(idp));
            one.put("entra", io.github.flowisesso.entra.EntraClaims.isEntra(idp));
            return one;
        }).toList());
        options.put("roles", flowise().map(client -> client.getRolesStream()
            .filter(role -> auth.roles().canMapRole(role) && !InvitationGrants.grantsAdminRights(session, realm, role))
            .map(RoleModel::getName).sorted().toList()).orElse(List.of()));
        List<String> groups = new ArrayList<>();
        realm.getTopLevelGroupsStream().forEach(group -> grantableGroups(group, groups));
        options.put("groups", groups);
        options.put("defaultExpiresInHours", config.defaultExpiryHours());
        options.put("minExpiresInHours", InvitationApiConfig.MIN_EXPIRY_HOURS);
        options.put("maxExpiresInHours", InvitationApiConfig.MAX_EXPIRY_HOURS);
        options.put("defaultRedirectUri", redirectUri(null));
        options.put("locales", realm.isInternationalizationEnabled() ? realm.getSupportedLocalesStream().sorted().toList() : List.of());
        options.put("mayManage", auth.users().canManage());
        options.put("mayTestSso", auth.realm().canViewIdentityProviders());
        return options;
    }

    /** Depth first, as a tree reads; a realm with more groups than a list can show gets the first ones. */
    private void grantableGroups(GroupModel group, List<String> into) {
        if (into.size() >= InvitationApiConfig.OPTIONS_MAX_GROUPS) {
            return;
        }
        if (auth.groups().canManageMembership(group) && !InvitationGrants.grantsAdminRights(session, realm, group)) {
            into.add(KeycloakModelUtils.buildGroupPath(group));
        }
        group.getSubGroupsStream().forEach(child -> grantableGroups(child, into));
    }

    static String email(String raw) {
        if (raw == null) {
            throw InvitationError.invalid(InvitationInput.EMAIL, "'email' is required");
        }
        return EmailAddresses.canonical(raw).orElseThrow(() -> InvitationError.invalid(InvitationInput.EMAIL,
            "'email' must be exactly one plain address such as name@example.com: no display name, no list,"
                + " no spaces, control, bidi or zero-width characters"));
    }

    private static LoginType loginType(String raw) {
        if (raw == null) {
            throw InvitationError.invalid(InvitationInput.LOGIN_TYPE, "'loginType' is required: SSO or PASSWORD");
        }
        try {
            return LoginType.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InvitationError.invalid(InvitationInput.LOGIN_TYPE, "'loginType' must be SSO or PASSWORD, not '" + raw + "'");
        }
    }

    private String identityProvider(LoginType loginType, String alias) {
        if (loginType == LoginType.PASSWORD) {
            if (alias != null) {
                throw InvitationError.invalid(InvitationInput.IDENTITY_PROVIDER,
                    "'identityProvider' must be absent for a PASSWORD invitation");
            }
            return null;
        }
        if (alias == null) {
            List<IdentityProviderModel> enabled = enabledProviders();
            if (enabled.size() == 1) {
                return enabled.get(0).getAlias();
            }
            throw InvitationError.invalid(InvitationInput.IDENTITY_PROVIDER, enabled.isEmpty()
                ? "'identityProvider': the realm has no enabled identity provider, which an SSO invitation needs"
                : "'identityProvider' is required: the realm has " + enabled.size() + " enabled identity providers");
        }
        // A named provider: Keycloak's (cached) lookup by alias, not a query for all of the realm's providers.
        IdentityProviderModel named = session.identityProviders().getByAlias(alias);
        if (named == null || !named.isEnabled()) {
            throw InvitationError.invalid(InvitationInput.IDENTITY_PROVIDER,
                "'identityProvider': no enabled identity provider '" + alias + "' in this realm");
        }
        return named.getAlias();
    }

    private List<IdentityProviderModel> enabledProviders() {
        if (enabledProviders == null) {
            enabledProviders = session.identityProviders().getAllStream().filter(IdentityProviderModel::isEnabled).toList();
        }
        return enabledProviders;
    }

    private Optional<ClientModel> flowise() {
        if (flowise == null) {
            flowise = FlowiseClient.of(realm);
        }
        return flowise;
    }

    private List<String> roles(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        ClientModel client = flowise().orElseThrow(() -> InvitationError.invalid(InvitationInput.ROLES,
            "'roles': the realm has no '" + FlowiseClient.CLIENT_ID + "' client, so no Flowise roles"));
        List<String> roles = List.copyOf(new LinkedHashSet<>(names));
        for (String name : roles) {
            RoleModel role = client.getRole(name);
            if (role == null) {
                throw InvitationError.invalid(InvitationInput.ROLES,
                    "'roles': client '" + FlowiseClient.CLIENT_ID + "' has no role '" + name + "'");
            }
            if (!auth.roles().canMapRole(role) || InvitationGrants.grantsAdminRights(session, realm, role)) {
                throw InvitationError.forbidden(InvitationInput.ROLES, "'roles': you may not grant role '" + name + "'");
            }
        }
        return fitsColumn(InvitationInput.ROLES, roles);
    }

    private List<String> groups(List<String> paths) {
        if (paths == null || paths.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> canonical = new LinkedHashSet<>();
        for (String path : paths) {
            canonical.add(groupPaths.computeIfAbsent(path, p -> Optional.ofNullable(
                    KeycloakModelUtils.findGroupByPath(session, realm, p)).map(group -> grantablePath(p, group)))
                .orElseThrow(() -> InvitationError.invalid(InvitationInput.GROUPS,
                    "'groups': no group '" + path + "'; give group paths such as /workspaces/research")));
        }
        return fitsColumn(InvitationInput.GROUPS, new ArrayList<>(canonical));
    }

    /** The group's canonical path, when this caller may hand out its membership and it carries no admin rights. */
    private String grantablePath(String path, GroupModel group) {
        if (!auth.groups().canManageMembership(group) || InvitationGrants.grantsAdminRights(session, realm, group)) {
            throw InvitationError.forbidden(InvitationInput.GROUPS, "'groups': '" + path
                + "' is not yours to hand out, or carries Keycloak admin rights, which invitations never grant");
        }
        return KeycloakModelUtils.buildGroupPath(group);
    }

    private static List<String> fitsColumn(String field, List<String> values) {
        if (StringLists.toJson(values).length() > MAX_LIST_JSON) {
            throw InvitationError.invalid(field, "'" + field + "' is too long for one invitation");
        }
        return values;
    }

    private static String name(String field, String value) {
        if (value != null && (value.length() > MAX_NAME || value.codePoints().anyMatch(Character::isISOControl))) {
            throw InvitationError.invalid(field, "'" + field + "' must be at most " + MAX_NAME + " characters, without control characters");
        }
        return value;
    }

    private String redirectUri(String requested) {
        if (requested == null) {
            // The deployment's own Flowise URL, configured by the realm admin: no check needed.
            return FlowiseClient.defaultTarget(realm);
        }
        ClientModel client = flowise().orElseThrow(() -> InvitationError.invalid(InvitationInput.REDIRECT_URI,
            "'redirectUri': the realm has no '" + FlowiseClient.CLIENT_ID + "' client to check it against"));
        return FlowiseClient.verify(session, client, requested).orElseThrow(() -> InvitationError.invalid(
            InvitationInput.REDIRECT_URI, "'redirectUri' is not a registered redirect URI of client '" + FlowiseClient.CLIENT_ID + "'"));
    }

    int expiresInHours(Integer hours) {
        if (hours == null) {
            return config.defaultExpiryHours();
        }
        if (hours < InvitationApiConfig.MIN_EXPIRY_HOURS || hours > InvitationApiConfig.MAX_EXPIRY_HOURS) {
            throw InvitationError.invalid(InvitationInput.EXPIRES_IN_HOURS, "'expiresInHours' must be between "
                + InvitationApiConfig.MIN_EXPIRY_HOURS + " and " + InvitationApiConfig.MAX_EXPIRY_HOURS + ", not " + hours);
        }
        return hours;
    }

    private String locale(String tag) {
        if (tag == null) {
            return null;
        }
        List<String> supported = realm.isInternationalizationEnabled()
            ? realm.getSupportedLocalesStream().toList() : List.of();
        return supported.stream().filter(s -> s.equalsIgnoreCase(tag) || s.equalsIgnoreCase(tag.replace('_', '-')))
            .findFirst().orElseThrow(() -> InvitationError.invalid(InvitationInput.LOCALE,
                "'locale' must be one of the realm's supported locales " + supported + ", not '" + tag + "'"));
    }
}
