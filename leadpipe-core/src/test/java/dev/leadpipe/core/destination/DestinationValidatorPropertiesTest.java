package dev.leadpipe.core.destination;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.leadpipe.core.lead.FieldError;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random settings for every destination type into {@link DestinationValidator}: the known names in any letter case,
 * unknown names (with {@code /} and {@code ~}), values of every shape (blank, huge, control characters, URLs of any
 * scheme, connection strings, PEM-looking text). It never throws; each problem names a field (the type, the settings,
 * or one setting given or required) and never repeats a value; a configuration it accepts is masked and redacted
 * without an exception and without showing a secret.
 */
class DestinationValidatorPropertiesTest {
    /** Every value generated holds it: no error message, masked view or text of a destination may show it. */
    private static final String MARKER = "Qv7secret";

    private static final List<String> KNOWN_NAMES = DestinationSpecs.all().stream()
            .flatMap(s -> s.settings().stream())
            .map(SettingSpec::name)
            .distinct()
            .toList();

    @Property(tries = 2000)
    void everyProblemNamesAFieldAndNoValue(
            @ForAll("types") DestinationType type, @ForAll("settings") Map<String, String> settings) {
        List<FieldError> errors = DestinationValidator.validate(type, settings);

        DestinationSpec spec = DestinationSpecs.of(type);
        Set<String> allowed = new TreeSet<>(List.of("/type", "/settings"));
        settings.keySet().forEach(n -> allowed.add(DestinationValidator.pointer(n)));
        spec.settings().forEach(s -> allowed.add(DestinationValidator.pointer(s.name())));
        for (FieldError e : errors) {
            assertThat(e.pointer()).isIn(allowed);
            assertThat(e.detail()).isNotBlank().doesNotContain(MARKER);
        }
        if (spec.refusal().isPresent()) {
            assertThat(errors).extracting(FieldError::pointer).containsExactly("/type");
        }
        if (errors.isEmpty()) {
            LeadDestination stored =
                    new LeadDestination("contoso.widget", type, withoutNulls(settings), List.of(), 1, Instant.EPOCH);
            Map<String, String> masked = stored.maskedSettings();
            masked.forEach((name, value) -> {
                if (spec.isSecret(name)) {
                    assertThat(value).isEqualTo(LeadDestination.MASK);
                }
            });
            spec.settings().stream()
                    .filter(SettingSpec::secret)
                    .forEach(s -> assertThat(stored.toString()).doesNotContain(MARKER + s.name()));
            assertThat(spec.redactionValues(stored.settings())).isNotNull();
        }
    }

    @Property(tries = 200)
    void noTypeMeansNothingToCheck(@ForAll("settings") Map<String, String> settings) {
        assertThat(DestinationValidator.validate((DestinationType) null, settings))
                .isEmpty();
    }

    private static Map<String, String> withoutNulls(Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Provide
    Arbitrary<DestinationType> types() {
        return Arbitraries.of(DestinationType.class);
    }

    @Provide
    Arbitrary<Map<String, String>> settings() {
        Arbitrary<String> known = Arbitraries.of(KNOWN_NAMES);
        Arbitrary<String> knownOtherCase = known.map(n -> n.toUpperCase(Locale.ROOT));
        Arbitrary<String> unknown = Arbitraries.strings()
                .withChars("abcXYZ/~._- \u00e9\u0000")
                .ofMinLength(0)
                .ofMaxLength(20);
        Arbitrary<String> names = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, known),
                net.jqwik.api.Tuple.of(1, knownOtherCase),
                net.jqwik.api.Tuple.of(1, unknown));
        return Combinators.combine(names, values())
                .as((String n, String v) -> (Map.Entry<String, String>) new java.util.AbstractMap.SimpleEntry<>(n, v))
                .list()
                .ofMaxSize(8)
                .map(entries -> {
                    Map<String, String> map = new LinkedHashMap<>();
                    entries.forEach(e -> map.put(
                            e.getKey(),
                            e.getValue() == null ? null : e.getValue().replace("§", MARKER + e.getKey())));
                    return map;
                });
    }

    /** Values; {@code §} becomes the marker followed by the setting's name. */
    private static Arbitrary<String> values() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(40).map(s -> s + "§");
        Arbitrary<String> blank = Arbitraries.of("", " ", "\t\n", "\u00a0");
        Arbitrary<String> urls = Combinators.combine(
                        Arbitraries.of(
                                "https://",
                                "http://",
                                "HTTPS://",
                                "ftp://",
                                "file:/",
                                "javascript:",
                                "https:///",
                                "//",
                                ""),
                        Arbitraries.of(
                                "127.0.0.1",
                                "localhost",
                                "[::1]",
                                "example.com",
                                "x.crm.dynamics.com",
                                "0",
                                "%zz",
                                "a b",
                                "\u0000",
                                "[::",
                                "host:99999"),
                        Arbitraries.of("", "/path", "/?sig=§", ":443/x?a=%", "#frag", "/ü"))
                .as((scheme, host, rest) -> scheme + host + rest);
        Arbitrary<String> connectionStrings = Combinators.combine(
                        Arbitraries.of(
                                "AccountName=acct",
                                "AccountName=",
                                "=x",
                                ";;",
                                "UseDevelopmentStorage=true",
                                "DefaultEndpointsProtocol=gopher"),
                        Arbitraries.of(
                                "AccountKey=§",
                                "AccountKey=c2VjcmV0§",
                                "AccountKey=Zm9vYmFy",
                                "SharedAccessSignature=sv=1&sig=%zz§",
                                "SharedAccessSignature=sig=§"),
                        Arbitraries.of(
                                "", "TableEndpoint=https://acct.table.core.windows.net/?sig=§", "TableEndpoint=%"))
                .as((a, b, c) -> a + ";" + b + ";" + c);
        Arbitrary<String> pem = Arbitraries.of(
                "-----BEGIN PRIVATE KEY-----\n§\n-----END PRIVATE KEY-----",
                "-----BEGIN PRIVATE KEY-----§",
                "-----BEGIN RSA PRIVATE KEY-----\n\n");
        Arbitrary<String> shaped = Arbitraries.of(
                "00000000-0000-0000-0000-000000000000",
                "v62.0",
                "LeadpipeLeadId__c",
                "user@contoso.example",
                "x".repeat(10_000) + "§",
                "§".repeat(3));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, any),
                net.jqwik.api.Tuple.of(1, blank),
                net.jqwik.api.Tuple.of(3, urls),
                net.jqwik.api.Tuple.of(2, connectionStrings),
                net.jqwik.api.Tuple.of(1, pem),
                net.jqwik.api.Tuple.of(2, shaped),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
    }
}
