package dev.leadpipe.images;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-when of issue 17: every image is built to a tarball without a Docker daemon, and its configuration declares a
 * non-root numeric user, one java entrypoint sized from the container's memory, and the service's port. Read from
 * {@code <module>/target/jib-image.tar}, which the reactor built in the services' package phase.
 */
class ImageTarballTest {

    @ParameterizedTest
    @EnumSource(ServiceImage.class)
    void theImageRunsItsMainClassAsANonRootUserAndExposesItsPort(ServiceImage service) throws IOException {
        assertThat(service.imageTarball())
                .as("built by ./mvnw package (jib:buildTar); run this module through the reactor")
                .isRegularFile();
        ImageTarball image = ImageTarball.read(service.imageTarball());
        JsonNode config = image.config();

        assertThat(image.repoTags()).containsExactly("leadpipe/" + service.name + ":" + ServiceImage.version());

        String user = config.path("User").asText();
        assertThat(user).as("numeric uid:gid").matches("\\d+:\\d+");
        int uid = Integer.parseInt(user.substring(0, user.indexOf(':')));
        assertThat(uid).as("not root").isNotZero();
        ImageTarball.Listing listing = image.list(Set.of("etc/passwd"));
        assertThat(listing.files().get("etc/passwd"))
                .as("the image's passwd names that user")
                .containsPattern("(?m)^leadpipe:x:" + uid + ":");

        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
        assertThat(entrypoint).startsWith("/opt/java/openjdk/bin/java");
        assertThat(entrypoint).contains("-XX:+UseContainerSupport", "-XX:MaxRAMPercentage=75");
        assertThat(entrypoint).endsWith("-cp", "@/app/jib-classpath-file", service.mainClass.getName());
        assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull())
                .as("one entrypoint, no default arguments")
                .isTrue();

        assertThat(listing.paths())
                .as("the java, classpath file and main class the entrypoint names are in the image")
                .contains(
                        "opt/java/openjdk/bin/java",
                        "app/jib-classpath-file",
                        "app/classes/" + service.mainClass.getName().replace('.', '/') + ".class");

        List<String> ports = new ArrayList<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        if (service.port.isPresent()) {
            assertThat(ports).containsExactly(service.port.getAsInt() + "/tcp");
            assertThat(image.environment())
                    .as("the port listens beyond the container's loopback")
                    .containsEntry(service.hostEnv, "0.0.0.0");
        } else {
            assertThat(ports).as("leadctl is a command-line tool").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ServiceImage.class)
    void theRunnableJarNamesItsMainClassAndItsLibraries(ServiceImage service) throws IOException {
        try (var jar = new java.util.jar.JarFile(service.runnableJar().toFile())) {
            var attributes = jar.getManifest().getMainAttributes();
            assertThat(attributes.getValue("Main-Class")).isEqualTo(service.mainClass.getName());
            for (String entry : attributes.getValue("Class-Path").split(" ")) {
                assertThat(service.runnableJar().resolveSibling(entry))
                        .as("Class-Path entry of java -jar " + service.runnableJar())
                        .satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
            }
        }
    }
}
