package dev.leadpipe.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image names are read from jib's configuration in the poms, literal or templated by a module property. */
class BuildImagesTest {
    static final String ROOT = """
            <project><artifactId>leadpipe-parent</artifactId>
              <version>1.2.3</version>
              <build><pluginManagement><plugins><plugin><artifactId>jib-maven-plugin</artifactId>
                <configuration><to><image>leadpipe/${image.name}:${project.version}</image></to></configuration>
              </plugin></plugins></pluginManagement></build>
            </project>
            """;

    @Test
    void readsTemplatedAndLiteralNamesAndTheProjectVersion(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("pom.xml"), ROOT);
        module(root, "ingest-service", "<properties><image.name>ingest</image.name></properties>");
        module(root, "router-streams", "<properties><image.name>router</image.name></properties>");
        module(root, "leadctl", "<configuration><to><image>leadpipe/leadctl:${project.version}</image></to>");
        CrossCheck.Images images = BuildImages.read(root);
        assertThat(images.names()).containsExactlyInAnyOrder("ingest", "router", "leadctl");
        assertThat(images.version()).isEqualTo("1.2.3");
    }

    @Test
    void failsWhenNoPomNamesAnImage(@TempDir Path root) throws Exception {
        Files.writeString(
                root.resolve("pom.xml"),
                "<project><artifactId>leadpipe-parent</artifactId>" + "<version>0.1.0-SNAPSHOT</version></project>");
        module(root, "ingest-service", "<properties><image.name>ingest</image.name></properties>");
        assertThatThrownBy(() -> BuildImages.read(root))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("declares a leadpipe/<name> image");
    }

    @Test
    void aModuleWithoutAnImageDeclarationMakesNoImage(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("pom.xml"), ROOT);
        module(root, "ingest-service", "<properties><image.name>ingest</image.name></properties>");
        module(root, "router-streams", "<properties></properties>");
        assertThat(BuildImages.read(root).names()).containsExactly("ingest");
    }

    private static void module(Path root, String name, String body) throws Exception {
        Files.createDirectories(root.resolve(name));
        Files.writeString(root.resolve(name).resolve("pom.xml"), "<project>" + body + "</project>");
    }
}
