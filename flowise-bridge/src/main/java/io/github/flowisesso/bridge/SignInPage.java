package io.github.flowisesso.bridge;

/**
 * The page that finishes a sign-in: Flowise's UI decides it is signed in from localStorage, written by its own login
 * page from the login answer. This page writes the same keys from the same answer (AuthUtils.updateStateAndLocalStorage
 * in Flowise 3.1.4's UI), shows the person's own name, then replaces itself with the target.
 */
final class SignInPage {

    private SignInPage() {
    }

    static String html(String flowiseUserJson, String personName, String next) {
        // JSON inside <script type="application/json">: only "<" could end the element early; \u003c is the same JSON.
        String data = flowiseUserJson.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Signing in to Flowise</title>
            <meta name="referrer" content="no-referrer"></head>
            <body><p>Signing in to Flowise&hellip;</p>
            <script type="application/json" id="flowise-user">%s</script>
            <script>
            (function () {
              var p = JSON.parse(document.getElementById('flowise-user').textContent);
              var name = %s || p.name;
              var user = {id: p.id, email: p.email, name: name, status: p.status, role: p.role, isSSO: p.isSSO,
                activeOrganizationId: p.activeOrganizationId, activeOrganizationSubscriptionId: p.activeOrganizationSubscriptionId,
                activeOrganizationCustomerId: p.activeOrganizationCustomerId, activeOrganizationProductId: p.activeOrganizationProductId,
                activeWorkspaceId: p.activeWorkspaceId, activeWorkspace: p.activeWorkspace, lastLogin: p.lastLogin,
                isOrganizationAdmin: p.isOrganizationAdmin, assignedWorkspaces: p.assignedWorkspaces, permissions: p.permissions};
              localStorage.setItem('isAuthenticated', 'true');
              localStorage.setItem('isGlobal', String(p.isOrganizationAdmin));
              localStorage.setItem('isSSO', String(p.isSSO));
              localStorage.setItem('user', JSON.stringify(user));
              localStorage.setItem('permissions', JSON.stringify(p.permissions));
              localStorage.setItem('features', JSON.stringify(p.features));
              localStorage.setItem('username', name);
              location.replace(%s);
            })();
            </script></body></html>
            """.formatted(data, Json.string(personName == null ? "" : personName), Json.string(next));
    }
}
