package dev.leadpipe.ingest;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.leadpipe.core.json.Json;
import io.javalin.http.Context;

/**
 * Reading request bodies: the Content-Type check (415), the size limit (413) and JSON parsing (400). Problems
 * say where JSON is broken (line and column) but never repeat the body.
 */
final class Bodies {
    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";

    /** Parses one JSON document; content after it is an error, not silently ignored. */
    private static final ObjectReader READER =
            Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Bodies() {}

    /**
     * The request's media type (lower case, without parameters) when it is one of {@code accepted}; otherwise 415.
     * A {@code charset} parameter is allowed when it names UTF-8.
     */
    static String requireContentType(Context ctx, List<String> accepted) {
        String header = ctx.header("Content-Type");
        String acceptedText = String.join(" or ", accepted) + " (UTF-8)";
        if (header == null || header.isBlank()) {
            throw new ProblemException(unsupported("the request has no Content-Type; send " + acceptedText, accepted));
        }
        String[] parts = header.split(";");
        String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!accepted.contains(mediaType)) {
            throw new ProblemException(unsupported("Content-Type must be " + acceptedText, accepted));
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim();
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String charset = param.substring(eq + 1).trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw new ProblemException(unsupported("only the UTF-8 charset is accepted", accepted));
                }
            }
        }
        return mediaType;
    }

    private static Problem unsupported(String detail, List<String> accepted) {
        return Problem.of(415, "unsupported-media-type", "Unsupported Media Type", detail)
                .withHeader("Accept-Post", String.join(", ", accepted));
    }

    /**
     * The body, at most {@code maxBytes} long: a declared Content-Length over the limit is refused before reading,
     * and Javalin's {@code maxRequestSize} (set to the same limit) stops reading a longer chunked body.
     */
    static byte[] read(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw new ProblemException(tooLarge(maxBytes));
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > maxBytes) {
            throw new ProblemException(tooLarge(maxBytes));
        }
        return body;
    }

    static Problem tooLarge(long maxBytes) {
        return Problem.of(
                413,
                "payload-too-large",
                "Content Too Large",
                "the request body is larger than the limit of " + maxBytes + " bytes");
    }

    /** Parses the whole body as one JSON document, or answers 400 {@code malformed-json}. */
    static JsonNode parseJson(byte[] body) {
        try {
            return parse(body, 0, body.length);
        } catch (MalformedJson e) {
            throw new ProblemException(
                    Problem.of(400, "malformed-json", "Malformed JSON", "the body " + e.getMessage()));
        }
    }

    /**
     * Parses {@code length} bytes from {@code offset} as one JSON document.
     *
     * @throws MalformedJson saying what is wrong and where, without any of the content
     */
    static JsonNode parse(byte[] bytes, int offset, int length) throws MalformedJson {
        if (isBlank(bytes, offset, length)) {
            throw new MalformedJson("is empty");
        }
        try {
            JsonNode node = READER.readTree(bytes, offset, length);
            if (node == null || node.isMissingNode()) {
                throw new MalformedJson("is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1
                    ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new MalformedJson("is not valid JSON" + where);
        } catch (IOException e) {
            throw new MalformedJson("could not be read as JSON");
        }
    }

    private static boolean isBlank(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** A body or NDJSON line that is not one JSON document; the message is safe to show (no content). */
    static final class MalformedJson extends Exception {
        MalformedJson(String message) {
            super(message, null, false, false);
        }
    }
}
