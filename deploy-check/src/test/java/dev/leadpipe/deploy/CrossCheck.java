package dev.leadpipe.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.leadpipe.deploy.CodeModel.ServiceDecl;
import dev.leadpipe.deploy.CodeModel.TopicView;

/**
 * Compares deploy/ with the code ({@link CodeModel}) and returns every disagreement as one line; an empty list means
 * they agree. Each check takes the model as a parameter, so a test can hand it a model with one name changed.
 */
final class CrossCheck {
    private CrossCheck() {}

    /**
     * Variables deploy/ may set although no service declares them: only the JVM's own options, which the JVM reads
     * before any service code runs (deploy/README.md#images). Every other variable must be a declared setting.
     */
    static final Set<String> NOT_SETTINGS = Set.of("JAVA_TOOL_OPTIONS");

    /** Topic configs whose value is Kafka's default, the same as not setting them. */
    static final Map<String, String> KAFKA_DEFAULTS = Map.of("cleanup.policy", "delete");

    // ---------------------------------------------------------------- topics

    /** Every registry topic has a KafkaTopic with its partitions and configs, and every KafkaTopic is a registry one. */
    static List<String> topics(CodeModel model, List<Map<String, Object>> docs) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Object>> deployed = new java.util.LinkedHashMap<>();
        for (Map<String, Object> doc : docs) {
            if ("KafkaTopic".equals(doc.get("kind"))) {
                String name = Objects.requireNonNullElse(
                        Yamls.string(doc, "spec", "topicName"), Yamls.string(doc, "metadata", "name"));
                deployed.put(name, doc);
            }
        }
        for (TopicView topic : model.topics()) {
            Map<String, Object> doc = deployed.remove(topic.name());
            if (doc == null) {
                problems.add("registry topic " + topic.name() + " has no KafkaTopic");
                continue;
            }
            Object partitions = Yamls.get(doc, "spec", "partitions");
            if (!(partitions instanceof Number n) || n.intValue() != topic.partitions()) {
                problems.add("KafkaTopic " + topic.name() + " has " + partitions + " partitions, the registry "
                        + topic.partitions());
            }
            Object replicas = Yamls.get(doc, "spec", "replicas");
            if (!(replicas instanceof Number r) || r.intValue() != CodeModel.REPLICAS) {
                problems.add(
                        "KafkaTopic " + topic.name() + " has " + replicas + " replicas, not " + CodeModel.REPLICAS);
            }
            Map<String, Object> config = Yamls.map(doc, "spec", "config");
            topic.configs().forEach((key, value) -> {
                Object set = config.get(key);
                if (set == null || !String.valueOf(set).equals(value)) {
                    problems.add("KafkaTopic " + topic.name() + " has " + key + "=" + set + ", the registry " + value);
                }
            });
            config.forEach((key, value) -> {
                if (topic.configs().containsKey(key)) {
                    return;
                }
                if (!String.valueOf(value).equals(KAFKA_DEFAULTS.get(key))) {
                    problems.add("KafkaTopic " + topic.name() + " sets " + key + "=" + value
                            + ", which the registry does not declare for it");
                }
            });
        }
        deployed.keySet().forEach(name -> problems.add("KafkaTopic " + name + " is not a registry topic"));
        return problems;
    }

    // ---------------------------------------------------------------- ACLs

    /**
     * Every KafkaUser is a service's ({@code leadpipe-<service>}); its topic ACLs name registry topics, or by prefix
     * only that service's own Streams internal topics; each workload's Kafka credential is its own KafkaUser's.
     */
    static List<String> users(CodeModel model, List<Map<String, Object>> docs, List<Workload> workloads) {
        List<String> problems = new ArrayList<>();
        Set<String> topicNames = model.topics().stream().map(TopicView::name).collect(Collectors.toSet());
        Set<String> users = new TreeSet<>();
        for (Map<String, Object> doc : docs) {
            if (!"KafkaUser".equals(doc.get("kind"))) {
                continue;
            }
            String user = Yamls.string(doc, "metadata", "name");
            users.add(user);
            String service = user.startsWith("leadpipe-") ? user.substring("leadpipe-".length()) : user;
            ServiceDecl decl = model.services().get(service);
            if (decl == null) {
                problems.add("KafkaUser " + user + " is no service's (leadpipe-<service>)");
            }
            String ownPrefix = decl == null || decl.streamsId() == null ? null : streamsId(decl, workloads) + "-";
            for (Map<String, Object> acl : Yamls.list(doc, "spec", "authorization", "acls")) {
                if (!"topic".equals(Yamls.string(acl, "resource", "type"))) {
                    continue;
                }
                String name = Yamls.string(acl, "resource", "name");
                String pattern = Objects.requireNonNullElse(Yamls.string(acl, "resource", "patternType"), "literal");
                if (pattern.equals("literal") && !topicNames.contains(name)) {
                    problems.add("KafkaUser " + user + " has an ACL on topic " + name + ", not a registry topic");
                } else if (pattern.equals("prefix") && !name.equals(ownPrefix)) {
                    problems.add("KafkaUser " + user + " has an ACL on topics prefixed " + name + "; the only prefix "
                            + "allowed is its own Streams application id's internal topics ("
                            + (ownPrefix == null ? "none: not a Streams service" : ownPrefix) + ")");
                }
            }
        }
        for (Workload w : workloads) {
            String secret = w.secretRefs().get("KAFKA_SASL_JAAS_CONFIG");
            if (secret != null && !secret.equals("leadpipe-" + w.service())) {
                problems.add(
                        w.where() + " takes its Kafka credential from " + secret + ", not leadpipe-" + w.service());
            } else if (secret != null && !users.contains(secret)) {
                problems.add(w.where() + " takes its Kafka credential from " + secret + ", which no KafkaUser makes");
            }
        }
        return problems;
    }

    private static String streamsId(ServiceDecl decl, List<Workload> workloads) {
        for (Workload w : workloads) {
            if (w.service().equals(decl.name()) && w.env().get(decl.streamsId().env()) != null) {
                return w.env().get(decl.streamsId().env());
            }
        }
        return decl.streamsId().defaultValue();
    }

    // ---------------------------------------------------------------- workloads

    private static final Pattern IMAGE = Pattern.compile("(?:^|.*/)leadpipe/([^:/@]+)(?::(.+))?");
    private static final Pattern COMPOSE_DEFAULT = Pattern.compile("\\$\\{[A-Z_]+:-([^}]+)}");

    /**
     * Every leadpipe workload: a service of the code, its image that service's, every variable one it declares (or
     * one of {@link #NOT_SETTINGS}), every required variable set, its listen address 0.0.0.0, its
     * ports and probes on the port it listens on, the secret keys given to the services that need them.
     */
    static List<String> workloads(CodeModel model, List<Workload> workloads, Images images) {
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads) {
            ServiceDecl s = model.services().get(w.service());
            if (s == null) {
                problems.add(w.where() + ": " + w.service() + " is not a leadpipe service "
                        + model.services().keySet());
                continue;
            }
            image(w, images, problems);
            for (String var : w.env().keySet()) {
                if (!s.env().contains(var) && !NOT_SETTINGS.contains(var)) {
                    problems.add(w.where() + " sets " + var + ", which " + s.name() + " does not declare");
                }
            }
            for (String var : s.required()) {
                if (!w.env().containsKey(var)) {
                    problems.add(w.where() + " does not set " + var + ", which " + s.name() + " requires");
                }
            }
            if (s.secretKeys()
                    && !w.env().containsKey("LEADPIPE_SECRET_KEYS")
                    && !w.env().containsKey("LEADPIPE_SECRET_KEYS_FILE")) {
                problems.add(w.where() + " gives " + s.name() + " no LEADPIPE_SECRET_KEYS(_FILE): it would make a "
                        + "development key of its own");
            }
            if (s.hostEnv() != null && !"0.0.0.0".equals(w.env().get(s.hostEnv()))) {
                problems.add(w.where() + " does not set " + s.hostEnv() + "=0.0.0.0: " + s.name()
                        + " would listen on loopback only");
            }
            if (s.portEnv() != null) {
                ports(w, s, problems);
            }
        }
        return problems;
    }

    private static void ports(Workload w, ServiceDecl s, List<String> problems) {
        String set = w.env().get(s.portEnv());
        int port = set == null ? s.defaultPort() : Integer.parseInt(set.trim());
        if (!w.ports().containsValue(port)) {
            problems.add(w.where() + " exposes " + w.ports().values() + " but " + s.name() + " listens on " + port
                    + " (" + s.portEnv() + (set == null ? " default" : "") + ")");
        }
        for (Object probe : w.probePorts()) {
            Integer number = probe instanceof Number n
                    ? Integer.valueOf(n.intValue())
                    : w.ports().get(String.valueOf(probe));
            if (number == null || number != port) {
                problems.add(w.where() + " probes port " + probe + " (" + number + "), but " + s.name() + " listens on "
                        + port);
            }
        }
    }

    private static void image(Workload w, Images images, List<String> problems) {
        Matcher m = IMAGE.matcher(w.image());
        if (!m.matches()) {
            problems.add(w.where() + " runs image " + w.image() + ", not a leadpipe/<service> image");
            return;
        }
        String name = m.group(1);
        String tag = m.group(2);
        if (tag != null) {
            Matcher d = COMPOSE_DEFAULT.matcher(tag);
            tag = d.matches() ? d.group(1) : tag;
        }
        if (!name.equals(w.service())) {
            problems.add(w.where() + " runs image leadpipe/" + name + ", not leadpipe/" + w.service());
        }
        if (!images.names().contains(name)) {
            problems.add(
                    w.where() + " runs image leadpipe/" + name + ", which the build does not make " + images.names());
        }
        if (!images.version().equals(tag)) {
            problems.add(w.where() + " runs tag " + tag + ", not the project version " + images.version());
        }
    }

    /** The images the build makes ({@code leadpipe/<name>}) and their tag, the project version. */
    record Images(Set<String> names, String version) {
        Images {
            names = new LinkedHashSet<>(names);
        }
    }
}
