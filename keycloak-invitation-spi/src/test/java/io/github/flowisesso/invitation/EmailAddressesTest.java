package io.github.flowisesso.invitation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "  Ada.Lovelace@Example.COM  | ada.lovelace@example.com",
        "ada@example.com.            | ada@example.com",
        "ada+flowise@example.com     | ada+flowise@example.com",
        "a.d.a@gmail.com             | a.d.a@gmail.com",
        "ada@Bücher.example          | ada@xn--bcher-kva.example",
        "ada@XN--BCHER-KVA.example   | ada@xn--bcher-kva.example",
        "Ådå@example.com             | ådå@example.com"})
    void canonicalFormIsTrimmedLowerCasedAndAsciiDomain(String raw, String canonical) {
        assertThat(EmailAddresses.canonical(raw)).contains(canonical);
    }

    @Test
    void decomposedAndComposedFormsAreTheSameAddress() {
        assertThat(EmailAddresses.canonical("A\u030Ada@example.com")).isEqualTo(EmailAddresses.canonical("\u00C5da@example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "ada", "ada@", "@example.com", "ada@@example.com", "ada@example", "ada@.example.com",
        "ada@example..com", "Ada <ada@example.com>", "ada@example.com, bob@example.com", "ada@example.com;bob@example.com",
        "ada@example.com\r\nBcc: eve@example.com", "ada\n@example.com", "a\u200Bda@example.com", "\u202Eada@example.com",
        "ada@\uFF45xample.com", "\"ada\"@example.com", "ada@exa_mple.com"})
    void anythingButOnePlainAddressIsRefused(String raw) {
        assertThat(EmailAddresses.canonical(raw)).isEmpty();
    }
}
