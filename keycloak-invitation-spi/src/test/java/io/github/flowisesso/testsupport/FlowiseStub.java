package io.github.flowisesso.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stands where Flowise's door would, for the tests of Keycloak's half: it only answers, and claims nothing. Whether
 * the door then signs the person into Flowise is what FlowiseDoorIT proves with the real door and real Flowise.
 */
public final class FlowiseStub implements AutoCloseable {

    private final HttpServer server;

    public FlowiseStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
            String message = query.contains("target_link_uri=")
                ? "Keycloak handed the sign-in to Flowise's door (login initiation). This stand-in is not the door: run with real Flowise to go on."
                : "This page stands where Flowise's door would be.";
            byte[] body = ("<!doctype html><html><head><title>Flowise (stand-in)</title></head><body><h1>Flowise (stand-in)</h1><p>"
                + message + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String callbackUrl() {
        return url() + "/oauth2/callback";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
