package dev.leadpipe.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.topic.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Positions a new consumer group (a sink's, or a Streams application id) at the current end of topics, so a service
 * started on a broker that earlier runs (bench stages, fault scenarios) share works through new records only.
 */
public final class GroupOffsets {
    private GroupOffsets() {}

    /** Commits, for {@code group}, the end offset of every partition of {@code topics}. */
    public static void atEnd(String bootstrap, String group, List<TopicSpec<?, ?>> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicSpec<?, ?> t : topics) {
                for (int p = 0; p < t.partitions(); p++) {
                    latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get()
                    .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }
}
