package dev.leadpipe.core.lead;

/**
 * One problem with one field of an incoming lead. {@code pointer} is an RFC 6901 JSON pointer to the field
 * ({@code /UserDetails/Email}); {@code detail} says what is wrong without repeating the field's value.
 */
public record FieldError(String pointer, String detail) {}
