package dev.leadpipe.core.lead;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EduEmailTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "alice@mit.edu",
                "alice@cs.mit.edu",
                "a@x.y.z.w.edu",
                "ALICE@MIT.EDU",
                "a@Mit.Edu",
                "a@mit.edu.",
                "a@mit.edu..",
                " a@mit.edu ",
                "Alice <alice@mit.edu>",
                "a@universität.edu",
                "a@xn--universitt-y5a.edu",
                "a@ｍｉｔ．ｅｄｕ",
                "a@mit。edu",
                "a＠mit.edu",
                "a@edu",
                "<alice@mit.edu>",
                "\"Lee, Alice\" <alice@cs.mit.edu> ",
                "Alice < alice@mit.edu >",
                "someone@contoso.com <alice@mit.edu>",
                "@mit.edu"
            })
    void eduAddressesAreRecognised(String email) {
        assertThat(EduEmail.isEdu(email)).as(email).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "a@edu.com",
                "a@example.education",
                "a@edu.example.org",
                "a@mit.edu.au",
                "no-at-sign.edu",
                "a@",
                "edu@contoso.com",
                "a@mit.eduu",
                "alice@mit.edu <alice@contoso.com>",
                "Alice <alice@mit.edu.com>",
                "<alice@contoso.com>",
                "a@mit.edu>x"
            })
    void otherAddressesAreNot(String email) {
        assertThat(EduEmail.isEdu(email)).as(String.valueOf(email)).isFalse();
    }
}
