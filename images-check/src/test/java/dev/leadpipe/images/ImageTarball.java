package dev.leadpipe.images;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image tarball as {@code jib:buildTar} writes it ({@code docker load} format): {@code manifest.json} names the
 * image's tags, its configuration file and its layers (gzip-compressed tars), in order. Read from the file alone,
 * with no container engine.
 */
final class ImageTarball {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<String> repoTags;
    private final JsonNode configuration;
    private final List<String> layers;

    private ImageTarball(Path file, List<String> repoTags, JsonNode configuration, List<String> layers) {
        this.file = file;
        this.repoTags = repoTags;
        this.configuration = configuration;
        this.layers = layers;
    }

    /** Reads the manifest and the configuration of the image in {@code file}. */
    static ImageTarball read(Path file) throws IOException {
        Map<String, byte[]> json = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(file))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().endsWith(".json")) {
                    json.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        byte[] manifestBytes = json.get("manifest.json");
        if (manifestBytes == null) {
            throw new IOException(file + " holds no manifest.json: not an image tarball of jib:buildTar");
        }
        JsonNode manifest = JSON.readTree(manifestBytes).get(0);
        byte[] config = json.get(manifest.get("Config").asText());
        if (config == null) {
            throw new IOException(file + " lacks its configuration " + manifest.get("Config"));
        }
        List<String> tags = new ArrayList<>();
        manifest.path("RepoTags").forEach(t -> tags.add(t.asText()));
        List<String> layerNames = new ArrayList<>();
        manifest.get("Layers").forEach(l -> layerNames.add(l.asText()));
        return new ImageTarball(file, List.copyOf(tags), JSON.readTree(config), List.copyOf(layerNames));
    }

    List<String> repoTags() {
        return repoTags;
    }

    /** The container configuration: {@code User}, {@code Entrypoint}, {@code ExposedPorts}, {@code Env}... */
    JsonNode config() {
        return configuration.path("config");
    }

    /** The {@code Env} entries as a map. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        config().path("Env").forEach(e -> {
            String entry = e.asText();
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        });
        return env;
    }

    /** The image's file system as a listing: every path, and the text of the few files asked for. */
    record Listing(Set<String> paths, Map<String, String> files) {}

    /**
     * Lists every path of the image's file system (all layers; no leading slash, directories without a trailing
     * one) and reads the files in {@code toRead} (e.g. {@code etc/passwd}) as the last layer holding each has it; one
     * pass over the layers.
     */
    Listing list(Set<String> toRead) throws IOException {
        Set<String> paths = new LinkedHashSet<>();
        Map<String, String> files = new HashMap<>();
        forEachLayerEntry((entry, in) -> {
            String name = normalized(entry.getName());
            paths.add(name);
            if (entry.isFile() && toRead.contains(name)) {
                files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        });
        return new Listing(paths, files);
    }

    /**
     * Writes the image's file system under {@code root}, layer after layer, as a container engine would: directories,
     * files with their permission bits, symbolic and hard links. jib's layers hold no whiteouts.
     */
    void extractTo(Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        forEachLayerEntry((entry, in) -> {
            String name = normalized(entry.getName());
            if (name.isEmpty()) {
                return;
            }
            Path target = base.resolve(name).normalize();
            if (!target.startsWith(base)) {
                throw new IOException("layer entry outside the root: " + entry.getName());
            }
            Files.createDirectories(target.getParent());
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isSymbolicLink()) {
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                return;
            } else if (entry.isLink()) {
                Files.deleteIfExists(target);
                Files.createLink(target, base.resolve(normalized(entry.getLinkName())));
                return;
            } else {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        });
    }

    @FunctionalInterface
    private interface EntryVisitor {
        void visit(TarArchiveEntry entry, InputStream content) throws IOException;
    }

    private void forEachLayerEntry(EntryVisitor visitor) throws IOException {
        for (String layer : layers) {
            try (TarArchiveInputStream outer = new TarArchiveInputStream(Files.newInputStream(file))) {
                TarArchiveEntry e = outer.getNextEntry();
                while (e != null && !e.getName().equals(layer)) {
                    e = outer.getNextEntry();
                }
                if (e == null) {
                    throw new IOException(file + " lacks its layer " + layer);
                }
                InputStream blob = new BufferedInputStream(outer);
                blob.mark(2);
                boolean gzip = blob.read() == 0x1f && blob.read() == 0x8b;
                blob.reset();
                try (TarArchiveInputStream tar = new TarArchiveInputStream(gzip ? new GZIPInputStream(blob) : blob)) {
                    for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                        visitor.visit(entry, tar);
                    }
                }
            }
        }
    }

    private static String normalized(String name) {
        String n = name;
        while (n.startsWith("/") || n.startsWith("./")) {
            n = n.substring(n.startsWith("/") ? 1 : 2);
        }
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }
}
