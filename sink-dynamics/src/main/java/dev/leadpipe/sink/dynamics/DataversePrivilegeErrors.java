package dev.leadpipe.sink.dynamics;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.leadpipe.core.error.ErrorClass;

/**
 * Which privilege class a Dataverse error answer belongs to, from its error code first and its wording second
 * (answers relayed without a code, older versions, the marketplace's own phrasing). The codes and wordings are the
 * ones found in public material (Microsoft's Dataverse error-code reference and troubleshooting pages, public issue
 * threads); {@code src/test/resources/dataverse-privilege-answers.json} keeps each real answer with its source.
 *
 * <table>
 * <caption>code or wording → class</caption>
 * <tr><td>{@code 0x80042f09} (-2147209463), "no roles are assigned to user", "has not been assigned any roles"</td>
 * <td>DYNAMICS_NO_ROLES_ASSIGNED</td></tr>
 * <tr><td>{@code 0x80040220} PrivilegeDenied (-2147220960), {@code 0x80048306} (-2147187962, the access check after
 * the privilege check), "is missing prv... privilege", "SecLib::CheckPrivilege failed", "does not have ...Access
 * right(s)", "leadsourcecode" (the marketplace's wording)</td><td>DYNAMICS_MISSING_LEAD_WRITER_ROLE</td></tr>
 * </table>
 *
 * "No roles" is checked first: a role-less user's answer may also name the privilege it lacks.
 */
public final class DataversePrivilegeErrors {
    /** NoUserRolesAssigned. */
    static final int NO_ROLES_ASSIGNED = 0x80042f09;
    /** PrivilegeDenied. */
    static final int PRIVILEGE_DENIED = 0x80040220;
    /** The access check that follows a passed privilege check ("does not have CreateAccess right(s)"). */
    static final int ACCESS_DENIED_FOR_RECORD = 0x80048306;

    private static final Pattern NO_ROLES =
            Pattern.compile("no roles are assigned to user|has not been assigned any roles", Pattern.CASE_INSENSITIVE);
    private static final Pattern MISSING_PRIVILEGE = Pattern.compile(
            "is missing (?:the )?prv\\w* privilege|missing prv\\w+|SecLib::CheckPrivilege failed"
                    + "|does not have \\w*Access right|privilege .*leadsourcecode|leadsourcecode attribute",
            Pattern.CASE_INSENSITIVE);

    private DataversePrivilegeErrors() {}

    /**
     * The class of a Dataverse answer about privileges, or null when it is not one.
     *
     * @param code    the answer's {@code error.code} ({@code 0x...} or a negative decimal), or null
     * @param message the answer's {@code error.message} (or body text), or null
     */
    public static ErrorClass classify(String code, String message) {
        Integer c = parseCode(code);
        String m = message == null ? "" : message;
        if ((c != null && c == NO_ROLES_ASSIGNED) || NO_ROLES.matcher(m).find()) {
            return ErrorClass.DYNAMICS_NO_ROLES_ASSIGNED;
        }
        if ((c != null && (c == PRIVILEGE_DENIED || c == ACCESS_DENIED_FOR_RECORD))
                || MISSING_PRIVILEGE.matcher(m).find()) {
            return ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE;
        }
        return null;
    }

    /** The privilege an answer names ({@code prvCreateAttribute}...), or null. */
    public static String privilegeNamed(String message) {
        if (message == null) {
            return null;
        }
        var m = Pattern.compile("\\b(prv[A-Za-z]+)").matcher(message);
        return m.find() ? m.group(1) : null;
    }

    /** A Dataverse error code as a number: {@code 0x80040220}, {@code 80040220} (hex) or {@code -2147220960}. */
    static Integer parseCode(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        String s = code.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("0x")) {
                return (int) Long.parseLong(s.substring(2), 16);
            }
            if (s.startsWith("-")) {
                return (int) Long.parseLong(s);
            }
            if (s.length() == 8 && s.matches("[0-9a-f]{8}")) {
                return (int) Long.parseLong(s, 16);
            }
            return (int) Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
