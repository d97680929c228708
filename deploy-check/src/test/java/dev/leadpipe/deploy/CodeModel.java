package dev.leadpipe.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.Setting;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.notifier.NotifierApp;
import dev.leadpipe.notifier.NotifierConfig;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.auth.JwtConfig;
import dev.leadpipe.ops.logging.LogConfig;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.router.RouterConfig;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import dev.leadpipe.status.StatusConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What the code declares, read from the code itself: the topic registry ({@link Topics#all()}, each topic as the
 * services create it) and, per service, every environment variable it reads (its {@code DECLARATION}'s settings and
 * the few variables read outside one), which of them are required, where it listens and its Streams application id.
 * The cross-check compares {@code deploy/} with this; tests change a copy of it to prove the check notices drift.
 */
record CodeModel(List<TopicView> topics, Map<String, ServiceDecl> services) {

    /** Replication factor the k8s manifests give every topic; the registry's configs are computed for it. */
    static final short REPLICAS = 3;

    /** A registry topic: its name, partitions and the configs the services create it with. */
    record TopicView(String name, int partitions, Map<String, String> configs) {}

    /**
     * One service of the pipeline.
     *
     * @param name        the service, its image ({@code leadpipe/<name>}) and its workload in deploy/
     * @param env         every environment variable it reads
     * @param required    the variables it must be given
     * @param hostEnv     the variable of the address it listens on (must be 0.0.0.0 in a container); null for none
     * @param portEnv     the variable of the port its probes and /metrics answer on; null for none (leadctl)
     * @param defaultPort that port's default
     * @param streamsId   the setting of its Kafka Streams application id, null when it is no Streams application
     * @param secretKeys  whether it reads the destination-secret keys (ingest, every sink)
     */
    record ServiceDecl(
            String name,
            Set<String> env,
            Set<String> required,
            String hostEnv,
            String portEnv,
            int defaultPort,
            Setting<String> streamsId,
            boolean secretKeys) {}

    static CodeModel fromCode() {
        Map<String, ServiceDecl> services = new LinkedHashMap<>();
        Set<String> keys = Set.of(SecretKeyring.KEYS_ENV, SecretKeyring.KEYS_FILE_ENV);
        Set<String> ops = Set.of(OpsServer.HOST_ENV, OpsServer.PORT_ENV);
        add(
                services,
                "ingest",
                union(settings(IngestConfig.SETTINGS, JwtConfig.SETTINGS), keys),
                IngestConfig.SETTINGS,
                IngestConfig.HOST.env(),
                IngestConfig.PORT.env(),
                IngestConfig.PORT.defaultValue(),
                null,
                true);
        add(
                services,
                "router",
                union(settings(RouterConfig.SETTINGS), ops),
                RouterConfig.SETTINGS,
                OpsServer.HOST_ENV,
                OpsServer.PORT_ENV,
                RouterApp.DEFAULT_OPS_PORT,
                RouterConfig.APPLICATION_ID,
                false);
        for (DestinationType type : DestinationType.values()) {
            if (isDelivered(type)) {
                add(
                        services,
                        "sink-" + type.wireName(),
                        union(settings(SinkConfig.SETTINGS), ops, keys),
                        SinkConfig.SETTINGS,
                        OpsServer.HOST_ENV,
                        OpsServer.PORT_ENV,
                        SinkRuntime.defaultOpsPort(type),
                        null,
                        true);
            }
        }
        add(
                services,
                "notifier",
                union(settings(NotifierConfig.SETTINGS), ops),
                NotifierConfig.SETTINGS,
                OpsServer.HOST_ENV,
                OpsServer.PORT_ENV,
                NotifierApp.DEFAULT_OPS_PORT,
                null,
                false);
        add(
                services,
                "status",
                settings(StatusConfig.SETTINGS, JwtConfig.SETTINGS),
                StatusConfig.SETTINGS,
                StatusConfig.HOST.env(),
                StatusConfig.PORT.env(),
                StatusConfig.PORT.defaultValue(),
                StatusConfig.APPLICATION_ID,
                false);
        Set<String> leadctl = new TreeSet<>(List.of(
                KafkaSettings.BOOTSTRAP_ENV,
                constant("dev.leadpipe.leadctl.Leadctl", "TOKEN_ENV"),
                constant("dev.leadpipe.leadctl.DestinationsCommand", "API_ENV"),
                constant("dev.leadpipe.leadctl.StatusCommand", "URL_ENV")));
        add(services, "leadctl", leadctl, List.of(), null, null, 0, null, false);
        return new CodeModel(registryTopics(), services);
    }

    private static boolean isDelivered(DestinationType type) {
        try {
            Topics.deliveryTopic(type);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void add(
            Map<String, ServiceDecl> services,
            String name,
            Set<String> env,
            List<Setting<?>> declared,
            String hostEnv,
            String portEnv,
            int defaultPort,
            Setting<String> streamsId,
            boolean secretKeys) {
        // Every service builds its Kafka clients from the shared settings in leadpipe-core, whichever class holds them,
        // and logs as leadpipe-ops' logging configuration says (checked at start-up by ServiceProcess).
        Set<String> all = union(env, SHARED_CORE_ENV, settings(LogConfig.SETTINGS));
        Set<String> required = new TreeSet<>();
        declared.stream().filter(Setting::isRequired).forEach(s -> required.add(s.env()));
        LogConfig.SETTINGS.stream().filter(Setting::isRequired).forEach(s -> required.add(s.env()));
        services.put(name, new ServiceDecl(name, all, required, hostEnv, portEnv, defaultPort, streamsId, secretKeys));
    }

    /** The registry as the services create it: partitions and configs for {@link #REPLICAS} replicas. */
    static List<TopicView> registryTopics() {
        List<TopicView> out = new ArrayList<>();
        for (TopicSpec<?, ?> spec : Topics.all()) {
            NewTopic created = newTopic(spec);
            Map<String, String> configs = created.configs() == null ? Map.of() : new TreeMap<>(created.configs());
            out.add(new TopicView(spec.name(), spec.partitions(), configs));
        }
        return List.copyOf(out);
    }

    /**
     * {@code spec.newTopic(replicationFactor)}: how a service creates the topic, so the configs compared are those
     * applied at creation. Found by reflection so that a change of its parameters fails here with a clear message.
     */
    private static NewTopic newTopic(TopicSpec<?, ?> spec) {
        for (Method m : TopicSpec.class.getMethods()) {
            if (m.getName().equals("newTopic")
                    && m.getParameterCount() == 1
                    && m.getParameterTypes()[0] == short.class) {
                try {
                    return (NewTopic) m.invoke(spec, REPLICAS);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("TopicSpec.newTopic(short) failed for " + spec.name(), e);
                }
            }
        }
        throw new IllegalStateException("TopicSpec has no newTopic(short replicationFactor) any more: teach "
                + "deploy-check's CodeModel.registryTopics how the services now create a topic");
    }

    /** The shared Kafka client, security and topic variables leadpipe-core declares ({@link CoreSettingsScan}). */
    static final Set<String> SHARED_CORE_ENV =
            CoreSettingsScan.sharedEnv(Set.of(SecretKeyring.KEYS_ENV, SecretKeyring.KEYS_FILE_ENV));

    /** A package-private {@code static final String} constant of a class (leadctl's variables). */
    private static String constant(String className, String field) {
        try {
            Field f = Class.forName(className).getDeclaredField(field);
            f.setAccessible(true);
            return (String) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className + "." + field + " is gone: update deploy-check's CodeModel", e);
        }
    }

    @SafeVarargs
    private static Set<String> settings(List<Setting<?>>... lists) {
        Set<String> env = new TreeSet<>();
        for (List<Setting<?>> list : lists) {
            list.forEach(s -> env.add(s.env()));
        }
        return env;
    }

    @SafeVarargs
    private static Set<String> union(Collection<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Collection<String> s : sets) {
            all.addAll(s);
        }
        return all;
    }

    // ---- copies with one thing renamed, as a refactoring in code only would leave them ----

    /** This model with registry topic {@code from} called {@code to}. */
    CodeModel withTopicRenamed(String from, String to) {
        return new CodeModel(
                topics.stream()
                        .map(t -> t.name().equals(from) ? new TopicView(to, t.partitions(), t.configs()) : t)
                        .toList(),
                services);
    }

    /** This model with {@code change} applied to every registry topic. */
    CodeModel withTopics(UnaryOperator<TopicView> change) {
        return new CodeModel(topics.stream().map(change).toList(), services);
    }

    /** This model with environment variable {@code from} called {@code to} in every service that reads it. */
    CodeModel withEnvRenamed(String from, String to) {
        Map<String, ServiceDecl> renamed = new LinkedHashMap<>();
        services.forEach((name, s) -> renamed.put(
                name,
                new ServiceDecl(
                        s.name(),
                        rename(s.env(), from, to),
                        rename(s.required(), from, to),
                        from.equals(s.hostEnv()) ? to : s.hostEnv(),
                        from.equals(s.portEnv()) ? to : s.portEnv(),
                        s.defaultPort(),
                        s.streamsId(),
                        s.secretKeys())));
        return new CodeModel(topics, renamed);
    }

    /** This model with {@code service}'s default port changed. */
    CodeModel withDefaultPort(String service, int port) {
        Map<String, ServiceDecl> changed = new LinkedHashMap<>(services);
        ServiceDecl s = services.get(service);
        changed.put(
                service,
                new ServiceDecl(
                        s.name(),
                        s.env(),
                        s.required(),
                        s.hostEnv(),
                        s.portEnv(),
                        port,
                        s.streamsId(),
                        s.secretKeys()));
        return new CodeModel(topics, changed);
    }

    private static Set<String> rename(Set<String> env, String from, String to) {
        Set<String> out = new TreeSet<>(env);
        if (out.remove(from)) {
            out.add(to);
        }
        return out;
    }
}
