package dev.leadpipe.sink.dynamics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.microsoft.aad.msal4j.HttpMethod;
import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import dev.leadpipe.sink.runtime.CappedBody;

/**
 * msal4j's HTTP client for Azure AD sign-ins, over the JDK's {@link HttpClient}: every answer (token, discovery) is
 * read with {@link CappedBody}'s cap, so a token endpoint cannot make a sink hold an unbounded answer; a larger one
 * fails the sign-in with {@link CappedBody.TooLargeException} in its causes, which
 * {@link DynamicsDestinationClient} reports as {@code DESTINATION_HTTP_ERROR}.
 *
 * @param target where a request msal4j addresses to a URI is sent ({@link #direct}: there; {@link #via}: a stand-in)
 */
public record MsalHttp(HttpClient http, Duration timeout, UnaryOperator<URI> target) implements IHttpClient {
    /** Headers the JDK client sets itself and refuses from a caller. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** Sends every request where msal4j addresses it. */
    static MsalHttp direct(HttpClient http, Duration timeout) {
        return new MsalHttp(http, timeout, UnaryOperator.identity());
    }

    /**
     * Sends every request to {@code baseUrl} (same path and query) instead of the authority host: for a local
     * stand-in of Azure AD on plain http, as msal4j requires an https authority.
     */
    public static MsalHttp via(String baseUrl, HttpClient http, Duration timeout) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new MsalHttp(
                http,
                timeout,
                uri -> URI.create(
                        base + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
    }

    @Override
    public HttpResponse send(HttpRequest request) throws Exception {
        var builder = java.net.http.HttpRequest.newBuilder(
                        target.apply(request.url().toURI()))
                .timeout(timeout);
        if (request.headers() != null) {
            request.headers().forEach((k, v) -> {
                if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                    builder.header(k, v);
                }
            });
        }
        String body = request.body();
        builder.method(
                request.httpMethod() == HttpMethod.POST
                        ? "POST"
                        : request.httpMethod().name(),
                body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        var response = http.send(builder.build(), CappedBody.ofString());
        HttpResponse out = new HttpResponse().statusCode(response.statusCode()).body(response.body());
        out.addHeaders(response.headers().map());
        return out;
    }
}
