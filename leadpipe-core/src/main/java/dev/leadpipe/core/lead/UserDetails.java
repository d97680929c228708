package dev.leadpipe.core.lead;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The customer's contact details exactly as the marketplace sends them under {@code UserDetails}.
 * Every field may be null. {@code otherFields} keeps keys the marketplace sent that this model does not know.
 * {@link #toString()} never prints a value: these are personal data.
 */
public record UserDetails(
        String firstName,
        String lastName,
        String email,
        String phone,
        String country,
        String company,
        String title,
        Map<String, JsonNode> otherFields) {

    public static final UserDetails EMPTY = new UserDetails(null, null, null, null, null, null, null, Map.of());

    public UserDetails {
        otherFields = otherFields == null ? Map.of() : Map.copyOf(otherFields);
    }

    /** The email with personal data withheld: true when the customer's domain is .edu. */
    public boolean isEdu() {
        return EduEmail.isEdu(email);
    }

    @Override
    public String toString() {
        return "UserDetails[withheld]";
    }
}
