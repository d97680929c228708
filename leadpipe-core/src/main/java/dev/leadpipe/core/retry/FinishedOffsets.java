package dev.leadpipe.core.retry;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Which offsets of a partition a sink has finished, when it finishes them out of order: the committed offset is the
 * lowest unfinished one, and the commit's metadata string records how far it has read ({@link #end}) and which offsets
 * between the two are still unfinished. A sink that takes the partition over (after a crash or a rebalance) reads
 * again from the committed offset but skips every offset this says is finished, so finished work is not redone
 * (the Confluent Parallel Consumer keeps the same record in its commits).
 *
 * <p>Metadata format {@code f1:<end - position>:<gaps>}, where {@code gaps} is the base64url (no padding) of the
 * unsigned varint differences between consecutive unfinished offsets above {@code position}; an empty string means
 * "everything below the committed offset is finished, nothing above it is known". The broker limits metadata to
 * {@code offset.metadata.max.bytes} (4096 by default): {@link #encode} keeps within {@link #MAX_METADATA_CHARS} by
 * lowering {@code end}, so offsets past the cut are read and done again after a take-over (the only cost).
 *
 * @param position   the committed offset: every offset below it is finished; when {@code end > position} it is
 *                   itself unfinished
 * @param end        one past the highest offset this knows about
 * @param unfinished the unfinished offsets in {@code [position, end)}, {@code position} included when it is below
 *                   {@code end}; unmodifiable
 */
public record FinishedOffsets(long position, long end, NavigableSet<Long> unfinished) {
    /** The longest metadata string {@link #encode} writes, well within the broker's default 4096 bytes. */
    public static final int MAX_METADATA_CHARS = 3000;

    private static final String VERSION = "f1";

    public FinishedOffsets {
        unfinished = Collections.unmodifiableNavigableSet(new TreeSet<>(unfinished));
    }

    /** Nothing known beyond the committed offset. */
    public static FinishedOffsets at(long position) {
        return new FinishedOffsets(position, position, new TreeSet<>());
    }

    /** Whether {@code offset} is known to be finished. */
    public boolean isFinished(long offset) {
        return offset < position || (offset < end && !unfinished.contains(offset));
    }

    /**
     * The state to commit for a partition whose unfinished offsets are {@code unfinished} and whose offsets below
     * {@code end} have all been read: the position (the lowest unfinished, else {@code end}) and the metadata, cut so
     * that it fits {@link #MAX_METADATA_CHARS}.
     */
    public static FinishedOffsets of(long end, NavigableSet<Long> unfinished) {
        if (unfinished.isEmpty()) {
            return at(end);
        }
        long position = unfinished.first();
        TreeSet<Long> kept = new TreeSet<>();
        long cut = end;
        int bytes = 0;
        long previous = position;
        kept.add(position);
        for (long u : unfinished.tailSet(position, false)) {
            if (u >= end) {
                break;
            }
            int size = varintSize(u - previous);
            // base64 grows 4/3; keep room for the version and the end delta
            if ((bytes + size) * 4 / 3 + 32 > MAX_METADATA_CHARS) {
                cut = u; // everything from u on is treated as not yet read
                break;
            }
            bytes += size;
            kept.add(u);
            previous = u;
        }
        return new FinishedOffsets(position, cut, kept);
    }

    /** The commit metadata string of this state (see the class comment). */
    public String metadata() {
        if (end <= position) {
            return "";
        }
        ByteArrayOutputStream gaps = new ByteArrayOutputStream();
        long previous = position;
        for (long u : unfinished.tailSet(position, false)) {
            writeVarint(gaps, u - previous);
            previous = u;
        }
        return VERSION + ":" + (end - position) + ":"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(gaps.toByteArray());
    }

    /**
     * Reads what a commit says: its offset and metadata. Metadata this cannot read (another writer's, or a newer
     * format) counts as empty, so the worst case is that work above the committed offset is done again.
     */
    public static FinishedOffsets decode(long position, String metadata) {
        if (metadata == null || metadata.isEmpty() || !metadata.startsWith(VERSION + ":")) {
            return at(position);
        }
        try {
            String[] parts = metadata.split(":", 3);
            long end = position + Long.parseLong(parts[1]);
            byte[] gaps = Base64.getUrlDecoder().decode(parts.length > 2 ? parts[2] : "");
            TreeSet<Long> unfinished = new TreeSet<>();
            if (end > position) {
                unfinished.add(position);
            }
            long current = position;
            int i = 0;
            while (i < gaps.length) {
                long value = 0;
                int shift = 0;
                byte b;
                do {
                    b = gaps[i++];
                    value |= (long) (b & 0x7f) << shift;
                    shift += 7;
                } while ((b & 0x80) != 0);
                current += value;
                unfinished.add(current);
            }
            if (end < position || (!unfinished.isEmpty() && unfinished.last() >= end)) {
                return at(position);
            }
            return new FinishedOffsets(position, end, unfinished);
        } catch (RuntimeException e) {
            return at(position);
        }
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
