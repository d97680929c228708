package dev.leadpipe.ops.auth;

import java.nio.file.Path;

import dev.leadpipe.core.config.SettingsDoc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JwtConfigTest {
    @Test
    void theDocumentedVariablesAreTheDeclaredOnes() {
        assertThat(SettingsDoc.differences(Path.of("../docs/security.md"), JwtConfig.SETTINGS, true))
                .as("docs/security.md against JwtConfig.SETTINGS")
                .isEmpty();
    }
}
