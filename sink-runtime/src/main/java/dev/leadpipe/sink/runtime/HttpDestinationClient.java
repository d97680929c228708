package dev.leadpipe.sink.runtime;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.time.Duration;
import java.util.function.Function;

import dev.leadpipe.core.destination.DestinationType;

/**
 * What every destination client that speaks HTTP shares: its HTTP client (the one given, or its own, which
 * {@link #close()} shuts down), the per-request timeout, and {@link #send} that turns a failed exchange into a
 * {@link DeliveryException} with the destination's own classification.
 */
public abstract class HttpDestinationClient implements DestinationClient {
    private final DestinationType type;
    protected final HttpClient http;
    protected final Duration timeout;
    private final boolean ownsHttp;

    /**
     * @param type           the destination type the client delivers
     * @param http           the HTTP client for every call, or null for an own one ({@link HttpSupport#newClient})
     * @param timeout        per-request timeout; null for {@code defaultTimeout}
     * @param defaultTimeout the destination's default timeout
     */
    protected HttpDestinationClient(DestinationType type, HttpClient http, Duration timeout, Duration defaultTimeout) {
        this.type = type;
        this.timeout = timeout == null ? defaultTimeout : timeout;
        this.ownsHttp = http == null;
        this.http = http != null ? http : HttpSupport.newClient(this.timeout);
    }

    @Override
    public final DestinationType type() {
        return type;
    }

    /**
     * Sends the request and reads the answer as text, at most {@link CappedBody#MAX_BYTES} of it; a larger answer is
     * {@code DESTINATION_HTTP_ERROR} with its status (transient only for 408, 429 and 5xx).
     */
    protected final HttpResponse<String> send(HttpRequest request, Function<Exception, DeliveryFailure> classify)
            throws DeliveryException {
        return send(request, CappedBody.ofString(), classify);
    }

    /**
     * Sends the request; an exception (also an interrupt, whose flag is set again) becomes a DeliveryException
     * with the failure {@code classify} makes of it, but an answer over {@link CappedBody}'s cap is
     * {@code DESTINATION_HTTP_ERROR} whatever the destination.
     */
    protected final <T> HttpResponse<T> send(
            HttpRequest request, BodyHandler<T> body, Function<Exception, DeliveryFailure> classify)
            throws DeliveryException {
        try {
            return http.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(classify.apply(e));
        } catch (Exception e) {
            DeliveryFailure tooLarge = CappedBody.failureOf(e);
            throw new DeliveryException(tooLarge != null ? tooLarge : classify.apply(e));
        }
    }

    /** Shuts the HTTP client down when it is the client's own. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.shutdownNow();
        }
    }
}
