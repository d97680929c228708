package dev.leadpipe.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The counter {@value #EMAILS} ({@code leadpipe_notifier_emails_total}): notification e-mails, one per message and so
 * per contact, tagged {@code kind} ({@code lead}, {@code digest}) and {@code result} ({@code sent}: handed to the SMTP
 * relay; {@code failed}: not sent after every attempt, to be tried again later; {@code refused}: the relay refused
 * the contact for good, so it was skipped). Every combination is registered at 0. Tags never carry an address, an
 * offer or a lead.
 */
final class NotifierMetrics {
    static final String EMAILS = "leadpipe.notifier.emails";

    /** What an e-mail is about, as the {@code kind} tag says it. */
    enum Kind {
        LEAD("lead"),
        DIGEST("digest");

        final String tag;

        Kind(String tag) {
            this.tag = tag;
        }
    }

    private final Counter leadSent;
    private final Counter leadFailed;
    private final Counter digestSent;
    private final Counter digestFailed;
    private final Counter leadRefused;
    private final Counter digestRefused;
    private final MeterRegistry registry;

    NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        leadSent = counter(registry, Kind.LEAD, "sent");
        leadFailed = counter(registry, Kind.LEAD, "failed");
        digestSent = counter(registry, Kind.DIGEST, "sent");
        digestFailed = counter(registry, Kind.DIGEST, "failed");
        leadRefused = counter(registry, Kind.LEAD, "refused");
        digestRefused = counter(registry, Kind.DIGEST, "refused");
    }

    private static Counter counter(MeterRegistry registry, Kind kind, String result) {
        return Counter.builder(EMAILS)
                .description("Notification e-mails, by kind and result")
                .tag("kind", kind.tag)
                .tag("result", result)
                .register(registry);
    }

    /** The registry the counter is on, where the notifier's Kafka consumers' metrics go too. */
    MeterRegistry registry() {
        return registry;
    }

    void sent(Kind kind) {
        (kind == Kind.LEAD ? leadSent : digestSent).increment();
    }

    void failed(Kind kind) {
        (kind == Kind.LEAD ? leadFailed : digestFailed).increment();
    }

    void refused(Kind kind) {
        (kind == Kind.LEAD ? leadRefused : digestRefused).increment();
    }
}
