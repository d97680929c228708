package dev.leadpipe.deploy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.leadpipe.core.config.Setting;
import dev.leadpipe.core.topic.Topics;

/**
 * Reads leadpipe-core's classes for the environment variables it declares for every service, in whichever class
 * declares them (the Kafka client security and topic settings are in classes this module does not name), so that a
 * setting moved or added there is checked without changing this module.
 */
final class CoreSettingsScan {
    private CoreSettingsScan() {}

    /**
     * Every environment variable leadpipe-core declares for all services: each {@code public static final Setting}
     * and each {@code public static final String *_ENV} in its classes whose variable starts {@code KAFKA_} or
     * {@code LEADPIPE_} (the Kafka client, security and topic settings), {@code perService} left out.
     */
    static Set<String> sharedEnv(Set<String> perService) {
        Path root;
        try {
            root = Path.of(Topics.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<String> found = new TreeSet<>();
        for (String className : classNames(root)) {
            Class<?> type;
            try {
                type = Class.forName(className, false, CoreSettingsScan.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            for (Field f : type.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod) || !Modifier.isPublic(mod)) {
                    continue;
                }
                String env = envOf(f);
                if (env != null
                        && (env.startsWith("KAFKA_") || env.startsWith("LEADPIPE_"))
                        && !perService.contains(env)) {
                    found.add(env);
                }
            }
        }
        return Set.copyOf(found);
    }

    private static String envOf(Field f) {
        try {
            if (Setting.class.isAssignableFrom(f.getType())) {
                Object v = f.get(null);
                return v == null ? null : ((Setting<?>) v).env();
            }
            if (f.getType() == String.class && f.getName().endsWith("_ENV")) {
                return (String) f.get(null);
            }
        } catch (IllegalAccessException | ExceptionInInitializerError | NoClassDefFoundError e) {
            return null;
        }
        return null;
    }

    private static List<String> classNames(Path root) {
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                return files.map(root::relativize)
                        .map(Path::toString)
                        .filter(n -> n.endsWith(".class") && !n.contains("$"))
                        .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                        .toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        try (var jar = new java.util.jar.JarFile(root.toFile())) {
            return jar.stream()
                    .map(java.util.jar.JarEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.contains("module-info"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
