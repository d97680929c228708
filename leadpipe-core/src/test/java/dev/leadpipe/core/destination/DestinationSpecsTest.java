package dev.leadpipe.core.destination;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.leadpipe.core.lead.FieldError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks the registry: for every type, what the validator refuses, what is masked, what is redacted and what the
 * documents show all follow from the type's spec; a made-up type goes through the same walk with no other change.
 */
class DestinationSpecsTest {
    private static final List<String> PROBES = List.of(
            "x",
            "not a value!",
            "https://example.com/a?sig=abcdef",
            "http://10.0.0.1/x",
            "00D000000000000",
            "v62.0",
            "00000000-0000-0000-0000-000000000000",
            "a@b.example",
            "AccountName=a;AccountKey=a2V5",
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----",
            "sixteen-chars-ok!");

    /** A type no sink knows: one routing URL, one secret token, one optional plain label. */
    static final class FakeSpec implements DestinationSpec {
        @Override
        public String typeName() {
            return "fake";
        }

        @Override
        public String title() {
            return "Fake";
        }

        @Override
        public List<SettingSpec> settings() {
            return List.of(
                    SettingSpec.of("endpoint", "where it goes")
                            .checked(DestinationUrls.check("an https URL"))
                            .asRouting(),
                    SettingSpec.of("token", "the token")
                            .checked(ValueChecks.atLeast(4))
                            .asSecret(),
                    SettingSpec.of("label", "a label"));
        }

        @Override
        public List<Route> routes() {
            return List.of(
                    Route.of("only", "the fake", Set.of("endpoint"), List.of("endpoint", "token"), List.of("label")));
        }

        @Override
        public String whereToFind() {
            return "nowhere.";
        }
    }

    private static List<DestinationSpec> specsAndAFake() {
        List<DestinationSpec> specs = new java.util.ArrayList<>(DestinationSpecs.all());
        specs.add(new FakeSpec());
        return specs;
    }

    @Test
    void everyTypeHasOneSpecUnderItsWireName() {
        for (DestinationType type : DestinationType.values()) {
            assertThat(DestinationSpecs.of(type).typeName()).isEqualTo(type.wireName());
            assertThat(DestinationSpecs.of(type).defaultOpsPort().isPresent())
                    .as(type.wireName())
                    .isEqualTo(type.isDeliverable());
        }
        assertThat(DestinationSpecs.all()).hasSize(DestinationType.values().length);
    }

    @Test
    void theValidatorRefusesExactlyTheNamesAndValuesTheSpecRefuses() {
        for (DestinationSpec spec : specsAndAFake()) {
            List<FieldError> unknown = DestinationValidator.validate(spec, Map.of("noSuchSetting", "x"));
            if (spec.refusal().isPresent()) {
                assertThat(unknown).extracting(FieldError::pointer).containsExactly("/type");
                continue;
            }
            assertThat(unknown)
                    .extracting(FieldError::pointer)
                    .as(spec.typeName())
                    .contains("/settings/noSuchSetting");
            for (SettingSpec setting : spec.settings()) {
                String pointer = DestinationValidator.pointer(setting.name());
                assertThat(DestinationValidator.validate(spec, Map.of(setting.name(), "x")))
                        .extracting(FieldError::pointer)
                        .doesNotContain("/settings/noSuchSetting");
                for (String probe : PROBES) {
                    Optional<String> problem = setting.problem(probe);
                    List<FieldError> errors =
                            DestinationValidator.validate(spec, Map.of(setting.name(), probe)).stream()
                                    .filter(e -> e.pointer().equals(pointer)
                                            && !e.detail().startsWith("is required"))
                                    .toList();
                    assertThat(errors.stream().map(FieldError::detail).toList())
                            .as(spec.typeName() + "." + setting.name() + " = " + probe)
                            .isEqualTo(problem.map(List::of).orElse(List.of()));
                }
            }
        }
    }

    @Test
    void eachRouteIsAcceptedWithItsRequiredSettingsAndRefusedWithoutEachOfThem() {
        for (DestinationSpec spec : specsAndAFake()) {
            for (Route route : spec.routes()) {
                Map<String, String> valid = new LinkedHashMap<>();
                route.required().forEach(name -> valid.put(name, validValue(spec, name)));
                assertThat(DestinationValidator.validate(spec, valid))
                        .as(spec.typeName() + " " + route.name())
                        .isEmpty();
                assertThat(DestinationValidator.chosenRoute(spec, valid)).contains(route);
                for (String name : route.required()) {
                    Map<String, String> without = new LinkedHashMap<>(valid);
                    without.remove(name);
                    assertThat(DestinationValidator.validate(spec, without))
                            .as(spec.typeName() + " " + route.name() + " without " + name)
                            .isNotEmpty();
                }
            }
        }
    }

    @Test
    void maskingAndRedactionFollowTheSpecsFlags() {
        for (DestinationSpec spec : specsAndAFake()) {
            Map<String, String> settings = new LinkedHashMap<>();
            spec.settings().forEach(s -> settings.put(s.name(), "value-of-" + s.name()));
            Map<String, String> masked = spec.masked(settings);
            Set<String> redacted = spec.redactionValues(settings);
            for (SettingSpec s : spec.settings()) {
                assertThat(masked.get(s.name()))
                        .as(spec.typeName() + "." + s.name())
                        .isEqualTo(s.secret() ? LeadDestination.MASK : "value-of-" + s.name());
                assertThat(redacted.contains("value-of-" + s.name()))
                        .as(spec.typeName() + "." + s.name())
                        .isEqualTo(s.redacted());
            }
        }
    }

    @Test
    void theGuideTheApiReferenceAndTheSinkPagesShowEachTypesTableAsItsSpecRendersIt() throws IOException {
        for (DestinationSpec spec : DestinationSpecs.all()) {
            if (spec.settings().isEmpty() || spec.refusal().isPresent()) {
                continue;
            }
            for (String doc : List.of("publisher-guide.md", "api.md", "sink-" + spec.typeName() + ".md")) {
                String text = Files.readString(Path.of("..", "docs", doc));
                String open = DestinationSpecTable.openMarker(spec);
                assertThat(text).as(doc + " has " + open).contains(open);
                int start = text.indexOf(open) + open.length() + 1;
                String shown = text.substring(start, text.indexOf(DestinationSpecTable.CLOSE_MARKER, start));
                assertThat(shown)
                        .as(doc + ": the " + spec.typeName() + " table (expected as rendered below)")
                        .isEqualTo(DestinationSpecTable.markdown(spec));
            }
        }
        String guide = Files.readString(Path.of("..", "docs", "publisher-guide.md"));
        String secrets = DestinationSpecTable.secretSettings(DestinationSpecs.all());
        assertThat(secrets)
                .isEqualTo("`clientSecret`, `password` (Dynamics 365); `clientSecret`, `privateKey` (Salesforce); "
                        + "`connectionString` (Azure Table); `url`, `signingSecret` (HTTPS endpoint)");
        assertThat(guide).contains(secrets);
    }

    @Test
    void aMadeUpTypeRendersWithNoOtherChange() {
        FakeSpec fake = new FakeSpec();
        assertThat(DestinationSpecTable.markdown(fake))
                .contains("| `endpoint` | required | plain; decides where leads and secrets go |")
                .contains("| `token` | required | secret |")
                .contains("| `label` | optional | plain |");
        assertThat(DestinationValidator.validate(fake, Map.of("endpoint", "http://10.1.2.3/x", "token", "abc")))
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/settings/endpoint", "/settings/token");
        assertThat(fake.redactionValues(Map.of("endpoint", "https://a.example", "token", "t0ken", "label", "l")))
                .containsExactly("t0ken");
    }

    private static String validValue(DestinationSpec spec, String name) {
        SettingSpec setting = spec.setting(name).orElseThrow();
        return PROBES.stream().filter(p -> setting.problem(p).isEmpty()).collect(Collectors.toList()).stream()
                .findFirst()
                .orElseThrow(() -> new AssertionError("no probe fits " + spec.typeName() + "." + name));
    }
}
