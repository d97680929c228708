package dev.leadpipe.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.leadpipe.bench.SampleLeads;

/**
 * Made-up leads in the sample feed's shape (deploy/local/sample-feed.ndjson: {@code UserDetails}, {@code LeadSource},
 * {@code ActionCode}, {@code OfferTitle}, {@code Description}) whose sizes follow the feed's: lead i takes the size of
 * one of the feed's lines (chosen by a seeded random), its {@code Description} padded to reach it. The customer data
 * is invented ({@code c<i>@fabrikam.example}).
 */
public final class GeneratedLeads implements SampleLeads {
    /** The sizes in bytes of deploy/local/sample-feed.ndjson's lines, when the file cannot be read. */
    static final int[] FEED_SIZES = {158, 204, 208, 216, 220, 234, 234, 238, 239, 240, 241, 296, 309, 309, 414};

    private static final String[] FIRST = {"Ana", "Ben", "Chloe", "Jia", "Dev", "Kai", "Eve", "Femi", "Gus"};
    private static final String[] LAST = {"Silva", "Okafor", "Martin", "Chen", "Patel", "Tanaka", "Jones", "Ade"};
    private static final String[] COUNTRY = {"US", "PT", "NG", "FR", "SG", "IN", "JP", "GB", "GH", "SE"};
    private static final String[] ACTION = {"INS", "Create", "PLT", "StartTestDrive", "Contact"};

    private final int[] sizes;
    private final long seed;
    private final double meanBytes;

    GeneratedLeads(int[] sizes, long seed) {
        this.sizes = sizes.clone();
        this.seed = seed;
        double sum = 0;
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            sum += json(i, "bench.offer", "bench-lead-" + i).getBytes(StandardCharsets.UTF_8).length;
        }
        this.meanBytes = sum / n;
    }

    /** Sizes from the sample feed under {@code root} (its line lengths), or {@link #FEED_SIZES} without it. */
    public static GeneratedLeads fromFeed(Path root, long seed) {
        Path feed = root.resolve("deploy/local/sample-feed.ndjson");
        try {
            List<String> lines =
                    Files.readAllLines(feed).stream().filter(l -> !l.isBlank()).toList();
            if (!lines.isEmpty()) {
                return new GeneratedLeads(
                        lines.stream()
                                .mapToInt(l -> l.getBytes(StandardCharsets.UTF_8).length)
                                .toArray(),
                        seed);
            }
        } catch (IOException e) {
            // the built-in copy of the feed's sizes
        }
        return new GeneratedLeads(FEED_SIZES, seed);
    }

    @Override
    public String json(long i, String offerId, String leadId) {
        SplittableRandom r = new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L));
        int target = sizes[r.nextInt(sizes.length)];
        String action = ACTION[r.nextInt(ACTION.length)];
        // the feed's size counts no leadId field: ours comes on top of the target
        int size = target + "\"leadId\":\"\",".length() + leadId.length();
        StringBuilder b = new StringBuilder(size + 32);
        b.append("{\"leadId\":\"")
                .append(leadId)
                .append("\",\"UserDetails\":{\"FirstName\":\"")
                .append(FIRST[r.nextInt(FIRST.length)])
                .append("\",\"LastName\":\"")
                .append(LAST[r.nextInt(LAST.length)])
                .append("\",\"Email\":\"c")
                .append(i)
                .append("@fabrikam.example\",\"Country\":\"")
                .append(COUNTRY[r.nextInt(COUNTRY.length)])
                .append('"');
        String tail = "},\"LeadSource\":\"AzureMarketplace-" + action + "|" + offerId + "\",\"ActionCode\":\"" + action
                + "\",\"OfferTitle\":\"Bench Offer\"";
        String company = ",\"Company\":\"Company " + (i % 997) + "\"";
        if (b.length() + company.length() + tail.length() + 1 <= size) {
            b.append(company);
        }
        b.append(tail);
        String description = ",\"Description\":\"\"";
        int pad = size - b.length() - description.length() - 1;
        if (pad > 0) {
            char[] text = new char[pad];
            Arrays.fill(text, 'x');
            for (int k = 5; k < pad; k += 6) {
                text[k] = ' ';
            }
            b.append(",\"Description\":\"").append(text).append('"');
        }
        b.append('}');
        return b.toString();
    }

    @Override
    public double meanBytes() {
        return meanBytes;
    }
}
