package io.github.flowisesso.manage;

/** The public client the invitations page signs in with; the shipped realm defines it (PKCE, no secret). */
final class PageClient {

    static final String CLIENT_ID = "invitations-page";

    private PageClient() {
    }
}
