package io.github.flowisesso.invitation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressesTest {

    @Nested
    class GivenEquivalentSpellings {

        @ParameterizedTest
        @ValueSource(strings = {"ada@example.com", " Ada@Example.COM ", "ADA@EXAMPLE.COM.", "ada@example.com."})
        void theyShareOneCanonicalForm(String spelling) {
            assertThat(EmailAddresses.canonical(spelling)).contains("ada@example.com");
        }

        @Test
        void unicodeIsComposedBeforeComparing() {
            String decomposed = "jose\u0301@example.com";
            String composed = "jos\u00e9@example.com";
            assertThat(EmailAddresses.canonical(decomposed)).isEqualTo(EmailAddresses.canonical(composed)).contains(composed);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "  Ada.Lovelace@Example.COM  | ada.lovelace@example.com",
            "a.d.a@gmail.com             | a.d.a@gmail.com",
            "ada@Bücher.example          | ada@xn--bcher-kva.example",
            "ada@XN--BCHER-KVA.example   | ada@xn--bcher-kva.example",
            "Ådå@example.com             | ådå@example.com"})
        void theCanonicalFormIsTrimmedLowerCasedWithAnAsciiDomain(String raw, String canonical) {
            assertThat(EmailAddresses.canonical(raw)).contains(canonical);
        }

        @Test
        void internationalDomainsBecomeAscii() {
            assertThat(EmailAddresses.canonical("anna@M\u00fcnchen.de")).contains("anna@xn--mnchen-3ya.de");
        }
    }

    @Nested
    class GivenLookAlikes {

        @Test
        void aPlusTagIsADifferentAddress() {
            assertThat(EmailAddresses.canonical("ada+x@example.com")).contains("ada+x@example.com");
        }

        @Test
        void aDotlessIStaysDistinct() {
            assertThat(EmailAddresses.canonical("adm\u0131n@example.com")).isNotEqualTo(EmailAddresses.canonical("admin@example.com"));
        }

        @Test
        void aCyrillicDomainStaysDistinct() {
            assertThat(EmailAddresses.canonical("ada@\u0435xample.com")).isNotEqualTo(EmailAddresses.canonical("ada@example.com"));
        }

        @Test
        void fullwidthLettersAreRefusedRatherThanFolded() {
            assertThat(EmailAddresses.canonical("ada@\uff45xample.com")).isEmpty();
            assertThat(EmailAddresses.canonical("\uff41da@example.com")).isNotEqualTo(EmailAddresses.canonical("ada@example.com"));
        }
    }

    @Nested
    class GivenSomethingThatIsNotOnePlainAddress {

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "ada", "@example.com", "ada@", "ada@@example.com", "a@b@example.com",
            "Ada <ada@example.com>", "ada@example.com, bob@example.com", "ada@example.com;bob@example.com",
            "ada@example.com\r\nBcc: eve@example.com", "ada\u200b@example.com", "ada\u202e@example.com",
            "ada@localhost", "ada@.example.com", "ada@example..com", "a da@example.com", "ada\n@example.com",
            "\"ada\"@example.com", "ada@exa_mple.com", "ada@example", "ada@example.com\u0000", "ada@example.com\r\n",
            "\r\nada@example.com", "ada@example.com\n", "\tada@example.com", "ada@example.com\u0085"})
        void itIsRefused(String input) {
            assertThat(EmailAddresses.canonical(input)).isEmpty();
        }

        @Test
        void nullIsRefused() {
            assertThat(EmailAddresses.canonical(null)).isEmpty();
        }
    }
}
