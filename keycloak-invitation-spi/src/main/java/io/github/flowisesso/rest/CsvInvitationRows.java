package io.github.flowisesso.rest;

import io.github.flowisesso.invitation.InputText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bulk input as CSV (RFC 4180: comma-separated, double quotes, CRLF or LF). The header row names the columns, in any
 * order: {@code email} and {@code loginType} are required; {@code identityProvider, roles, groups, firstName,
 * lastName, redirectUri, expiresInHours, locale} are optional. Roles and groups are separated by {@code |} inside a
 * cell: {@code ;} is the column separator of spreadsheets in many locales, and {@code ,} would need quoting.
 * A column named {@code error} is ignored: the invitations page's "failed rows" file carries each row's error
 * there, and the admin uploads that file again once the rows are fixed.
 */
final class CsvInvitationRows {

    static final String LIST_SEPARATOR = "|";
    static final String IGNORED_COLUMN = "error";
    /** Longer than any field the rules accept (an email is at most 320, a redirect URI 2,048). */
    static final int MAX_CELL = 4_096;

    private static final List<String> COLUMNS = List.of(InvitationInput.EMAIL, InvitationInput.LOGIN_TYPE,
        InvitationInput.IDENTITY_PROVIDER, InvitationInput.ROLES, InvitationInput.GROUPS, InvitationInput.FIRST_NAME,
        InvitationInput.LAST_NAME, InvitationInput.REDIRECT_URI, InvitationInput.EXPIRES_IN_HOURS, InvitationInput.LOCALE);

    private CsvInvitationRows() {
    }

    /** The rows, or a whole-request error when the header is unusable or there are too many rows. */
    static List<BulkRow> parse(String csv, int maxRows) {
        String text = csv == null ? "" : csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
        if (text.length() > InvitationApiConfig.BULK_MAX_BODY_CHARS) {
            throw InvitationError.invalid(null, "The CSV has more than " + InvitationApiConfig.BULK_MAX_BODY_CHARS + " characters");
        }
        List<List<String>> records = records(text, maxRows + 1);
        if (records.isEmpty()) {
            throw InvitationError.invalid(null, "The CSV has no header row");
        }
        Map<String, Integer> columns = header(records.get(0));
        int width = records.get(0).size();
        int dataRows = records.size() - 1;
        if (dataRows > maxRows) {
            throw InvitationError.invalid(null, "At most " + maxRows + " rows per call, got " + dataRows);
        }
        List<BulkRow> rows = new ArrayList<>(dataRows);
        for (int i = 1; i < records.size(); i++) {
            List<String> cells = records.get(i);
            if (cells.size() != width) {
                rows.add(BulkRow.unreadable(i, InvitationError.invalid(null,
                    "Row has " + cells.size() + " cells, the header has " + width)));
                continue;
            }
            try {
                rows.add(BulkRow.of(i, input(cells, columns)));
            } catch (InvitationError e) {
                rows.add(BulkRow.unreadable(i, e));
            }
        }
        return rows;
    }

    private static Map<String, Integer> header(List<String> names) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String raw = names.get(i).strip();
            if (IGNORED_COLUMN.equalsIgnoreCase(raw)) {
                continue;
            }
            String name = COLUMNS.stream().filter(c -> c.equalsIgnoreCase(raw)).findFirst().orElseThrow(() ->
                InvitationError.invalid(raw, "Unknown CSV column '" + raw + "'; allowed: " + COLUMNS));
            if (columns.put(name, i) != null) {
                throw InvitationError.invalid(name, "CSV column '" + name + "' appears twice");
            }
        }
        for (String required : List.of(InvitationInput.EMAIL, InvitationInput.LOGIN_TYPE)) {
            if (!columns.containsKey(required)) {
                throw InvitationError.invalid(required, "The CSV header must have a '" + required + "' column");
            }
        }
        return columns;
    }

    private static InvitationInput input(List<String> cells, Map<String, Integer> columns) {
        return new InvitationInput(
            cell(cells, columns, InvitationInput.EMAIL),
            cell(cells, columns, InvitationInput.LOGIN_TYPE),
            cell(cells, columns, InvitationInput.IDENTITY_PROVIDER),
            list(cell(cells, columns, InvitationInput.ROLES)),
            list(cell(cells, columns, InvitationInput.GROUPS)),
            cell(cells, columns, InvitationInput.FIRST_NAME),
            cell(cells, columns, InvitationInput.LAST_NAME),
            cell(cells, columns, InvitationInput.REDIRECT_URI),
            integer(cell(cells, columns, InvitationInput.EXPIRES_IN_HOURS)),
            null,
            cell(cells, columns, InvitationInput.LOCALE));
    }

    private static String cell(List<String> cells, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        if (index == null) {
            return null;
        }
        String value = InputText.trimSpaces(cells.get(index));
        return value.isEmpty() ? null : value;
    }

    private static List<String> list(String cell) {
        if (cell == null) {
            return List.of();
        }
        return Arrays.stream(cell.split("\\|")).map(InputText::trimSpaces).filter(s -> !s.isEmpty()).toList();
    }

    private static Integer integer(String cell) {
        if (cell == null) {
            return null;
        }
        try {
            return Integer.valueOf(cell);
        } catch (NumberFormatException e) {
            throw InvitationError.invalid(InvitationInput.EXPIRES_IN_HOURS, "'expiresInHours' must be a whole number");
        }
    }

    /**
     * Splits into records of cells; blank lines are skipped. A quote left open, a cell longer than {@link #MAX_CELL} or
     * more than {@code maxRecords} records are errors of the whole body. One pass, constant work per character.
     */
    static List<List<String>> records(String text, int maxRecords) {
        List<List<String>> records = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean cellStarted = false;
        // Whether the cell holds only spaces so far: where a quote may still open it (kept as a flag: asking the
        // builder each time made a cell of many quotes cost time quadratic in its length).
        boolean cellBlank = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (cell.length() > MAX_CELL) {
                throw InvitationError.invalid(null, "A CSV cell is longer than " + MAX_CELL + " characters");
            }
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cellBlank) {
                quoted = true;
                cellStarted = true;
                cellBlank = false;
                cell.setLength(0);
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                cellStarted = true;
                cellBlank = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                endRecord(records, cells, cell, cellStarted);
                if (records.size() > maxRecords) {
                    throw InvitationError.invalid(null, "At most " + (maxRecords - 1) + " rows per call");
                }
                cells = new ArrayList<>();
                cell.setLength(0);
                cellStarted = false;
                cellBlank = true;
            } else {
                cell.append(c);
                cellStarted = true;
                cellBlank &= c == ' ';
            }
        }
        if (quoted) {
            throw InvitationError.invalid(null, "The CSV ends inside a quoted cell");
        }
        if (cell.length() > MAX_CELL) {
            throw InvitationError.invalid(null, "A CSV cell is longer than " + MAX_CELL + " characters");
        }
        endRecord(records, cells, cell, cellStarted);
        if (records.size() > maxRecords) {
            throw InvitationError.invalid(null, "At most " + (maxRecords - 1) + " rows per call");
        }
        return records;
    }

    private static void endRecord(List<List<String>> records, List<String> cells, StringBuilder cell, boolean cellStarted) {
        if (cells.isEmpty() && !cellStarted && cell.toString().isBlank()) {
            return; // blank line
        }
        cells.add(cell.toString());
        records.add(cells);
    }
}
