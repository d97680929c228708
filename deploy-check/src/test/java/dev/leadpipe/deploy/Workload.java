package dev.leadpipe.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One leadpipe container as deploy/ runs it, from a k8s Deployment or StatefulSet or a compose service.
 *
 * @param where      where it is declared, for problems ("k8s overlays/example StatefulSet/router")
 * @param service    the workload's name, which must be a service of the code
 * @param image      its image reference as written
 * @param env        its environment: a literal value, or null when it comes from a Secret or ConfigMap
 * @param secretRefs the Secret each variable taken from one names (variable to Secret name)
 * @param ports      its container ports by name (compose: by number as text)
 * @param probePorts the ports its probes call, as written (a number, or a port name)
 */
record Workload(
        String where,
        String service,
        String image,
        Map<String, String> env,
        Map<String, String> secretRefs,
        Map<String, Integer> ports,
        List<Object> probePorts) {

    /** The leadpipe workloads (Deployments, StatefulSets, Jobs) of rendered k8s documents. */
    static List<Workload> fromK8s(String render, List<Map<String, Object>> docs) {
        List<Workload> out = new ArrayList<>();
        for (Map<String, Object> doc : docs) {
            String kind = String.valueOf(doc.get("kind"));
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet") && !kind.equals("Job")) {
                continue;
            }
            String name = Yamls.string(doc, "metadata", "name");
            List<Map<String, Object>> containers = Yamls.list(doc, "spec", "template", "spec", "containers");
            for (Map<String, Object> c : containers) {
                Map<String, String> env = new LinkedHashMap<>();
                Map<String, String> refs = new LinkedHashMap<>();
                for (Map<String, Object> e : Yamls.list(c, "env")) {
                    String var = String.valueOf(e.get("name"));
                    Object value = e.get("value");
                    env.put(var, value == null ? null : String.valueOf(value));
                    String secret = Yamls.string(e, "valueFrom", "secretKeyRef", "name");
                    if (secret != null) {
                        refs.put(var, secret);
                    }
                }
                Map<String, Integer> ports = new LinkedHashMap<>();
                for (Map<String, Object> p : Yamls.list(c, "ports")) {
                    Object portName = p.get("name");
                    int number = ((Number) p.get("containerPort")).intValue();
                    ports.put(portName == null ? String.valueOf(number) : String.valueOf(portName), number);
                }
                List<Object> probes = new ArrayList<>();
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    Object port = Yamls.get(c, probe, "httpGet", "port");
                    if (port != null) {
                        probes.add(port);
                    }
                }
                out.add(new Workload(
                        "k8s " + render + " " + kind + "/" + name + " container " + c.get("name"),
                        name,
                        String.valueOf(c.get("image")),
                        env,
                        refs,
                        ports,
                        probes));
            }
        }
        return out;
    }

    /** The leadpipe services of a compose file: those whose image is {@code leadpipe/...}. */
    static List<Workload> fromCompose(Map<String, Object> compose) {
        List<Workload> out = new ArrayList<>();
        Map<String, Object> services = Yamls.map(compose, "services");
        services.forEach((name, value) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> svc = (Map<String, Object>) value;
            String image = String.valueOf(svc.get("image"));
            if (!image.startsWith("leadpipe/")) {
                return;
            }
            Map<String, String> env = new LinkedHashMap<>();
            Object environment = svc.get("environment");
            if (environment instanceof Map<?, ?> m) {
                m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            } else if (environment instanceof List<?> l) {
                for (Object item : l) {
                    String s = String.valueOf(item);
                    int eq = s.indexOf('=');
                    env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
                }
            }
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (String key : List.of("ports", "expose")) {
                if (svc.get(key) instanceof List<?> l) {
                    for (Object p : l) {
                        String s = String.valueOf(p);
                        String container = s.substring(s.lastIndexOf(':') + 1).replaceAll("/.*", "");
                        ports.put(container, Integer.valueOf(container));
                    }
                }
            }
            out.add(new Workload("compose service " + name, name, image, env, Map.of(), ports, List.of()));
        });
        return out;
    }
}
