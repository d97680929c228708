package dev.leadpipe.sink.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import dev.leadpipe.core.error.ErrorClass;

/**
 * The one cap on how much of a destination's answer is read: {@value #MAX_BYTES} bytes. {@link #ofString()} reads an
 * answer as UTF-8 text and gives up, cancelling the rest of the transfer, as soon as it holds more (or its
 * {@code Content-Length} announces more): the exchange then fails with {@link TooLargeException}, which
 * {@link #failureOf} makes {@code DESTINATION_HTTP_ERROR} with the answer's status ({@link HttpDestinationClient#send}
 * and the Azure AD sign-in apply it). So a
 * destination (or anything pretending to be one) cannot make a sink hold an unbounded answer in memory.
 */
public final class CappedBody {
    /** The most bytes of one answer that are read: 1 MiB. */
    public static final int MAX_BYTES = 1024 * 1024;

    private CappedBody() {}

    /** A handler reading at most {@link #MAX_BYTES} bytes of the answer as UTF-8 text. */
    public static BodyHandler<String> ofString() {
        return ofString(MAX_BYTES);
    }

    static BodyHandler<String> ofString(int maxBytes) {
        return info -> new Subscriber(info, maxBytes);
    }

    /** An answer larger than the cap: its status is kept for the classification; nothing of its content. */
    public static final class TooLargeException extends IOException {
        private final int status;
        private final int maxBytes;

        TooLargeException(int status, int maxBytes) {
            super("the answer (HTTP " + status + ") is larger than " + maxBytes + " bytes; it was not read");
            this.status = status;
            this.maxBytes = maxBytes;
        }

        public int status() {
            return status;
        }

        public int maxBytes() {
            return maxBytes;
        }
    }

    /**
     * When a {@link TooLargeException} is among the causes of {@code t}: {@code DESTINATION_HTTP_ERROR} with the
     * answer's status and the cap (nothing of the answer's content); otherwise null.
     */
    public static DeliveryFailure failureOf(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 20; c = c.getCause(), depth++) {
            if (c instanceof TooLargeException tooLarge) {
                return new DeliveryFailure(
                        ErrorClass.DESTINATION_HTTP_ERROR, tooLarge.status(), null, tooLarge.getMessage());
            }
        }
        return null;
    }

    private static final class Subscriber implements BodySubscriber<String> {
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int status;
        private final int maxBytes;
        private final boolean announcedTooLarge;
        private Flow.Subscription subscription;

        Subscriber(ResponseInfo info, int maxBytes) {
            this.status = info.statusCode();
            this.maxBytes = maxBytes;
            this.announcedTooLarge =
                    info.headers().firstValueAsLong("Content-Length").orElse(-1) > maxBytes;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (announcedTooLarge) {
                tooLarge();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                if (bytes.size() + b.remaining() > maxBytes) {
                    tooLarge();
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }

        private void tooLarge() {
            subscription.cancel();
            result.completeExceptionally(new TooLargeException(status, maxBytes));
        }
    }
}
