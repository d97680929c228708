package dev.leadpipe.bench.stages;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The router stage's baseline, run in a JVM of its own: a bare Kafka Streams {@code filter().to()} (records with a
 * value, bytes in and out) with the router's Streams properties ({@link KafkaSettings#streamsProperties}:
 * exactly_once_v2, the same commit interval, one stream thread). Runs until killed.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic, commit interval ms.
 */
public final class BareFilterApp {
    private BareFilterApp() {}

    public static void main(String[] args) throws InterruptedException {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .filter((k, v) -> v != null)
                .to(args[4], Produced.with(Serdes.String(), Serdes.ByteArray()));
        Properties p = KafkaSettings.streamsProperties(
                args[1],
                KafkaConnection.plaintext(args[0]),
                Path.of(args[2]),
                Duration.ofMillis(Long.parseLong(args[5])));
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(10));
            stopped.countDown();
        }));
        streams.start();
        stopped.await();
    }
}
