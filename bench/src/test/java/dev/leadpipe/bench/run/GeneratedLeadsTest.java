package dev.leadpipe.bench.run;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.leadpipe.core.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratedLeadsTest {
    private final GeneratedLeads leads = new GeneratedLeads(GeneratedLeads.FEED_SIZES, 19L);

    @Test
    void eachLeadIsOneJsonLineNamingItsLeadIdAndOffer() throws Exception {
        String json = leads.json(42, "contoso.bench-offer", "lead-42");

        assertThat(json).doesNotContain("\n");
        var tree = Json.MAPPER.readTree(json);
        assertThat(tree.get("leadId").asText()).isEqualTo("lead-42");
        assertThat(tree.get("LeadSource").asText()).endsWith("|contoso.bench-offer");
        assertThat(tree.get("UserDetails").get("Email").asText()).isEqualTo("c42@fabrikam.example");
    }

    @Test
    void theSizesSpreadLikeTheSampleFeeds() {
        int overhead = "\"leadId\":\"lead-0000\",".length() + "contoso.bench-offer".length();
        int[] sizes = new int[3_000];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = leads.json(i, "contoso.bench-offer", String.format("lead-%04d", i % 10_000))
                            .getBytes(StandardCharsets.UTF_8)
                            .length
                    - overhead;
        }
        int min = Arrays.stream(GeneratedLeads.FEED_SIZES).min().orElseThrow();
        int max = Arrays.stream(GeneratedLeads.FEED_SIZES).max().orElseThrow();
        assertThat(Arrays.stream(sizes).min().orElseThrow()).isBetween(min - 60, min + 60);
        assertThat(Arrays.stream(sizes).max().orElseThrow()).isBetween(max - 60, max + 60);
        double feedMean = Arrays.stream(GeneratedLeads.FEED_SIZES).average().orElseThrow();
        assertThat(Arrays.stream(sizes).average().orElseThrow()).isBetween(feedMean - 40, feedMean + 40);
    }

    @Test
    void theSameIndexGivesTheSameLead() {
        assertThat(leads.json(7, "a.b", "x"))
                .isEqualTo(new GeneratedLeads(GeneratedLeads.FEED_SIZES, 19L).json(7, "a.b", "x"));
        assertThat(leads.meanBytes()).isBetween(150.0, 450.0);
    }
}
