package io.github.flowisesso.bridge;

/** The bridge's own error pages: one plain sentence and what to do, in the look of the door's pages. */
final class Pages {

    private Pages() {
    }

    static String message(String title, String whatToDo) {
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>%1$s</title><link rel="stylesheet" href="/sso/pages/door.css"></head>
            <body><main><h1>%1$s</h1><p>%2$s</p></main></body></html>
            """.formatted(escape(title), escape(whatToDo));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
