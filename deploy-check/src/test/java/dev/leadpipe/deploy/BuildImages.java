package dev.leadpipe.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The images the build makes, read from the modules' poms: every {@code leadpipe/<name>} in an {@code <image>} (jib's
 * {@code <to><image>}) or {@code <jib.to.image>} element, a {@code ${property}} in the name resolved from the same
 * pom; the tag is the project version. A build whose poms name no image fails here: deploy/ runs only images the
 * build makes, so a workload whose module lost its jib image declaration is reported by {@link CrossCheck#workloads}.
 */
final class BuildImages {
    private BuildImages() {}

    private static final Pattern IMAGE_ELEMENT =
            Pattern.compile("<(image|jib\\.to\\.image)>\\s*(?:[^<\\s]*/)?leadpipe/([^<:\\s]+)[^<]*</\\1>");
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
    private static final Pattern PROJECT_VERSION =
            Pattern.compile("<artifactId>leadpipe-parent</artifactId>\\s*<version>([^<]+)</version>");

    static CrossCheck.Images read(Path root) {
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> found =
                Files.find(root, 2, (p, a) -> p.getFileName().toString().equals("pom.xml"))) {
            List<String> poms = new ArrayList<>();
            for (Path pom : found.sorted().toList()) {
                poms.add(Files.readString(pom));
            }
            for (String text : poms) {
                Matcher m = IMAGE_ELEMENT.matcher(text);
                while (m.find()) {
                    names.addAll(resolve(m.group(2), text, poms));
                }
            }
            String rootPom = Files.readString(root.resolve("pom.xml"));
            Matcher v = PROJECT_VERSION.matcher(rootPom);
            if (!v.find()) {
                throw new IllegalStateException("no leadpipe-parent version in " + root.resolve("pom.xml"));
            }
            if (names.isEmpty()) {
                throw new IllegalStateException(
                        "no pom under " + root + " declares a leadpipe/<name> image (jib's "
                                + "<to><image> or <jib.to.image>): deploy/ cannot be checked against the images the build makes");
            }
            return new CrossCheck.Images(names, v.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The name with its {@code ${property}} replaced: by the pom's own value when it defines one, else by each value
     * a pom of the build gives it (an image template in the parent, one name per module). Left as it is when no pom
     * defines it, so the check reports it.
     */
    private static List<String> resolve(String name, String pom, List<String> poms) {
        Matcher p = PROPERTY.matcher(name);
        if (!p.find()) {
            return List.of(name);
        }
        Pattern definition = Pattern.compile("<" + Pattern.quote(p.group(1)) + ">([^<$]+)</");
        List<String> values = new ArrayList<>();
        Matcher own = definition.matcher(pom);
        if (own.find()) {
            values.add(own.group(1).trim());
        } else {
            for (String other : poms) {
                Matcher m = definition.matcher(other);
                while (m.find()) {
                    values.add(m.group(1).trim());
                }
            }
        }
        if (values.isEmpty()) {
            return List.of(name);
        }
        List<String> out = new ArrayList<>();
        for (String value : values) {
            out.addAll(resolve(name.substring(0, p.start()) + value + name.substring(p.end()), pom, poms));
        }
        return out;
    }
}
