package dev.leadpipe.notifier;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records no one can read on the notifier's topics (random bytes, broken JSON, JSON of the wrong shape, on
 * {@code leads-routed} ahead of a good lead in its partition, and on {@code lead-destinations} for its offer) do not stop
 * it: the good lead after them is still mailed to its offer's contacts, and the consumer stays ready.
 */
class GarbageOnTopicsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    private static final String OFFER = "quokka.garbage-proof";
    private static final String LEAD_ID = "lead-after-garbage";

    /** Unreadable on any topic. */
    private static final List<byte[]> UNREADABLE = List.of(
            "{not json".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, 0},
            "[1, 2, 3]".getBytes(StandardCharsets.UTF_8),
            ("[".repeat(2_000) + "]".repeat(2_000)).getBytes(StandardCharsets.UTF_8));

    /** JSON, but not a routed lead: wrong types, no offer or result. */
    private static final List<byte[]> NOT_A_LEAD = List.of(
            "{\"leadId\": \"x\", \"offerId\": \"quokka.garbage-proof\", \"result\": \"ROUTED\", \"receivedAt\": \"yesterday\"}"
                    .getBytes(StandardCharsets.UTF_8),
            "{\"leadId\": \"x\"}".getBytes(StandardCharsets.UTF_8));

    /** JSON, but not a destination: an unknown type, no type (which once replaced the offer's destination). */
    private static final List<byte[]> NOT_A_DESTINATION = List.of(
            "{\"offerId\": \"quokka.garbage-proof\", \"type\": \"ftp\"}".getBytes(StandardCharsets.UTF_8),
            "{\"offerId\": \"quokka.garbage-proof\"}".getBytes(StandardCharsets.UTF_8));

    @Test
    void aGoodLeadAfterUnreadableRecordsIsStillNotified() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(
                        OFFER, List.of("sales@quokka-pub.example"), NotificationMode.PER_LEAD, 1)));
        TopicWriter.write(bootstrap, raw(Topics.LEAD_DESTINATIONS), UNREADABLE, v -> OFFER, Map.of());
        TopicWriter.write(bootstrap, raw(Topics.LEAD_DESTINATIONS), NOT_A_DESTINATION, v -> OFFER, Map.of());
        TopicWriter.write(bootstrap, raw(Topics.LEADS_ROUTED), UNREADABLE, v -> LEAD_ID, Map.of());
        TopicWriter.write(bootstrap, raw(Topics.LEADS_ROUTED), NOT_A_LEAD, v -> LEAD_ID, Map.of());
        NotifierLeads.publishLeads(bootstrap, List.of(NotifierLeads.lead(LEAD_ID, OFFER, "INS")), 0);

        try (Ops ops = Ops.forService("notifier");
                Notifier notifier = Notifier.start(NotifierLeads.config(bootstrap, MAIL, "notifier-garbage"), ops)) {
            assertThat(MAIL.waitForIncomingEmail(30_000, 1)).isTrue();
            assertThat(NotifierLeads.texts(MAIL.getReceivedMessages()))
                    .singleElement()
                    .satisfies(t -> assertThat(t).contains(LEAD_ID).contains(OFFER));
            assertThat(ops.readiness().report().checks()).containsEntry("consumer", "UP");
        }
    }

    /** The topic with raw byte values, to write what its own serializer never would. */
    private static TopicSpec<String, byte[]> raw(TopicSpec<String, ?> topic) {
        return new TopicSpec<>(
                topic.name(), Serdes.String(), Serdes.ByteArray(), topic.partitions(), topic.compacted());
    }
}
