package dev.leadpipe.core.lead;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Decides whether a customer's e-mail address belongs to a .edu domain, whose personal data the pipeline withholds.
 * Matches the top-level domain {@code edu} at any subdomain depth, in any case, with a trailing dot,
 * written with full-width or ideographic dots, or in Unicode / punycode (IDN) form.
 */
public final class EduEmail {
    private EduEmail() {}

    public static boolean isEdu(String email) {
        String domain = domainOf(email);
        if (domain == null) {
            return false;
        }
        String ascii = toAsciiDomain(domain);
        while (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        return ascii.equals("edu") || ascii.endsWith(".edu");
    }

    private static String domainOf(String email) {
        if (email == null) {
            return null;
        }
        String s = email.strip();
        int lt = s.lastIndexOf('<');
        int gt = s.lastIndexOf('>');
        if (lt >= 0 && gt > lt) {
            s = s.substring(lt + 1, gt).strip();
        }
        int at = Math.max(s.lastIndexOf('@'), s.lastIndexOf('\uFF20'));
        if (at < 0 || at == s.length() - 1) {
            return null;
        }
        return s.substring(at + 1).strip();
    }

    private static String toAsciiDomain(String domain) {
        // NFKC folds full-width letters and dots; IDN maps the ideographic dots and punycodes Unicode labels.
        String folded = Normalizer.normalize(domain, Normalizer.Form.NFKC)
                .replace('\u3002', '.')
                .replace('\uFF0E', '.')
                .replace('\uFF61', '.');
        try {
            folded = IDN.toASCII(folded, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notAValidIdn) {
            // keep the folded form: the TLD check below still applies to it
        }
        return folded.toLowerCase(Locale.ROOT);
    }
}
