package io.github.flowisesso.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Bulk CSV: what a cell is, what it keeps, and what a body may cost. */
class CsvInvitationRowsTest {

    @Nested
    class GivenCellsAtTheirEdges {

        @Test
        void spacesAroundACellGoButControlCharactersStayForTheRulesToRefuse() {
            List<BulkRow> rows = CsvInvitationRows.parse("email,loginType\n"
                + "  ada@example.com  ,PASSWORD\n"
                + "\"bob@example.com\r\n\",PASSWORD\n"
                + "\"eve@example.com\u0000\",PASSWORD\n", 10);

            assertThat(rows).extracting(row -> row.input().email())
                .containsExactly("ada@example.com", "bob@example.com\r\n", "eve@example.com\u0000");
        }

        @Test
        void aQuotedCellKeepsCommasQuotesAndLineBreaks() {
            assertThat(CsvInvitationRows.records("a,\"b,\"\"c\"\"\nd\"\n", 10))
                .containsExactly(List.of("a", "b,\"c\"\nd"));
        }
    }

    @Nested
    class GivenTheFailedRowsFileOfTheInvitationsPage {

        @Test
        void itsErrorColumnIsIgnoredSoTheFixedFileUploadsAsIs() {
            List<BulkRow> rows = CsvInvitationRows.parse("email,loginType,error\n"
                + "ada@example.com,PASSWORD,\"'email' was taken, fixed now\"\n", 10);

            assertThat(rows).singleElement().satisfies(row -> {
                assertThat(row.error()).isNull();
                assertThat(row.input().email()).isEqualTo("ada@example.com");
                assertThat(row.input().loginType()).isEqualTo("PASSWORD");
            });
        }

        @Test
        void aRowStillNeedsACellForEveryHeaderColumnIncludingTheIgnoredOne() {
            List<BulkRow> rows = CsvInvitationRows.parse("email,loginType,error\nada@example.com,PASSWORD\n", 10);

            assertThat(rows).singleElement().satisfies(row ->
                assertThat(row.error().getMessage()).isEqualTo("Row has 2 cells, the header has 3"));
        }
    }

    @Nested
    class GivenALargeOrHostileBody {

        @Test
        void aCellLongerThanAnyFieldIsRefused() {
            String csv = "email,loginType\n" + "a".repeat(CsvInvitationRows.MAX_CELL + 1) + "@example.com,PASSWORD\n";
            assertThatThrownBy(() -> CsvInvitationRows.parse(csv, 10)).isInstanceOf(InvitationError.class)
                .hasMessageContaining("longer than");
        }

        @Test
        void moreRowsThanAllowedAreRefusedWhileReading() {
            String csv = "email,loginType\n" + "a@example.com,PASSWORD\n".repeat(11);
            assertThatThrownBy(() -> CsvInvitationRows.parse(csv, 10)).isInstanceOf(InvitationError.class)
                .hasMessageContaining("At most 10 rows");
        }

        @Test
        void aBodyLargerThanTheLimitIsRefusedBeforeParsing() {
            String csv = "email,loginType\n" + " ".repeat(InvitationApiConfig.BULK_MAX_BODY_CHARS);
            assertThatThrownBy(() -> CsvInvitationRows.parse(csv, 10)).isInstanceOf(InvitationError.class)
                .hasMessageContaining("characters");
        }

        /**
         * Doubling the quotes in every cell at most about doubles the time (a ratio in one run; it was about 4x: each
         * quote made a copy of the cell so far).
         */
        @Test
        void cellsOfManyQuotesCostTimeLinearInTheirLength() {
            String small = quoteRows(400, 2_000);
            String large = quoteRows(400, 4_000);
            for (int i = 0; i < 3; i++) { // warm-up
                CsvInvitationRows.records(small, 1_000);
                CsvInvitationRows.records(large, 1_000);
            }
            long smallNanos = Long.MAX_VALUE;
            long largeNanos = Long.MAX_VALUE;
            for (int i = 0; i < 7; i++) {
                long t = System.nanoTime();
                CsvInvitationRows.records(small, 1_000);
                smallNanos = Math.min(smallNanos, System.nanoTime() - t);
                t = System.nanoTime();
                CsvInvitationRows.records(large, 1_000);
                largeNanos = Math.min(largeNanos, System.nanoTime() - t);
            }
            assertThat((double) largeNanos / smallNanos).as("time for twice the quotes ÷ time for the quotes").isLessThan(2.5);
        }

        private String quoteRows(int rows, int quotes) {
            return ("a" + "\"".repeat(quotes) + ",x\n").repeat(rows);
        }
    }
}
