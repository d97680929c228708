package dev.leadpipe.sink.table;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import com.azure.data.tables.models.TableEntity;
import dev.leadpipe.sink.runtime.DeliveryFailure;

/**
 * Group commit of entities into Azure Table batch transactions. Concurrent {@link #deliver} calls for the same
 * target (one storage account's table) and PartitionKey join that key's queue; while nothing is in flight for the key
 * a sender thread (virtual) takes what is queued (at most {@code maxBatch} entities, no RowKey twice, at most
 * {@link #MAX_BATCH_BYTES} estimated) and sends it as one transaction, then takes what arrived meanwhile, until the
 * queue is empty. So one transaction per key is in flight at a time, nothing waits for a timer, and a lone lead
 * goes at once. Each caller waits for its own entity's result only.
 *
 * <p>The transaction runs on its own thread, not on a caller's: a caller interrupted while waiting (the runtime's
 * attempt timeout) withdraws its entity if it was not taken yet, and never cuts short the others' transaction.
 * Thread-safe.
 */
final class TableBatcher {
    /** Azure Table accepts a batch request of at most 4 MiB; leave room for the multipart framing. */
    static final long MAX_BATCH_BYTES = 3L * 1024 * 1024;

    /** Sends one key's entities, all of one PartitionKey, and says how each fared. */
    @FunctionalInterface
    interface Sender {
        /** @return one entry per entity, in order: null when it was written, else its classified failure */
        List<DeliveryFailure> send(List<TableEntity> entities);
    }

    private record Key(String target, String partitionKey) {}

    private static final class Waiter {
        final TableEntity entity;
        final long bytes;
        final CompletableFuture<DeliveryFailure> result = new CompletableFuture<>();

        Waiter(TableEntity entity) {
            this.entity = entity;
            this.bytes = estimatedBytes(entity);
        }
    }

    private static final class Group {
        final Sender sender;
        final ArrayDeque<Waiter> queue = new ArrayDeque<>();

        Group(Sender sender) {
            this.sender = sender;
        }
    }

    private final int maxBatch;
    private final Object lock = new Object();
    /** Keys with entities queued or a transaction in flight; a key is present exactly while its sender runs. */
    private final Map<Key, Group> groups = new HashMap<>();

    TableBatcher(int maxBatch) {
        if (maxBatch < 1 || maxBatch > 100) {
            throw new IllegalArgumentException("a batch holds 1 to 100 entities");
        }
        this.maxBatch = maxBatch;
    }

    /**
     * Writes {@code entity} in a transaction with whatever else is queued for its target and PartitionKey.
     *
     * @param target identifies the storage account and table (no secret in it); entities of different targets or
     *               PartitionKeys never share a transaction
     * @param sender sends a batch of this key; the one given by the call that finds the key idle is used for the
     *               whole burst, so every call for a target must pass an equivalent sender
     * @return null when the entity was written, else its own classified failure
     * @throws InterruptedException when interrupted while waiting; the entity is withdrawn if no transaction took it
     *                              yet, else its outcome is unknown (the write is an idempotent upsert)
     */
    DeliveryFailure deliver(String target, TableEntity entity, Sender sender) throws InterruptedException {
        Key key = new Key(target, entity.getPartitionKey());
        Waiter waiter = new Waiter(entity);
        Group started = null;
        synchronized (lock) {
            Group group = groups.get(key);
            if (group == null) {
                group = new Group(sender);
                groups.put(key, group);
                started = group;
            }
            group.queue.add(waiter);
        }
        if (started != null) {
            Group group = started;
            Thread.ofVirtual().name("table-batch").start(() -> drain(key, group));
        }
        try {
            return waiter.result.get();
        } catch (InterruptedException e) {
            synchronized (lock) {
                Group group = groups.get(key);
                if (group != null) {
                    group.queue.remove(waiter);
                }
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the batch sender failed", e.getCause());
        }
    }

    /** Sends the key's queue, batch after batch, until it is empty; then the key is idle again. */
    private void drain(Key key, Group group) {
        while (true) {
            List<Waiter> batch;
            synchronized (lock) {
                batch = take(group.queue);
                if (batch.isEmpty()) {
                    groups.remove(key);
                    return;
                }
            }
            List<DeliveryFailure> results;
            try {
                results = group.sender.send(batch.stream().map(w -> w.entity).toList());
                if (results.size() != batch.size()) {
                    throw new IllegalStateException(
                            "the sender answered " + results.size() + " results for " + batch.size() + " entities");
                }
            } catch (RuntimeException | Error e) {
                batch.forEach(w -> w.result.completeExceptionally(e));
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result.complete(results.get(i));
            }
        }
    }

    /** The next batch, in arrival order: at most maxBatch, no RowKey twice, within the size budget. */
    private List<Waiter> take(ArrayDeque<Waiter> queue) {
        List<Waiter> batch = new ArrayList<>();
        Set<String> rowKeys = new HashSet<>();
        long bytes = 0;
        Iterator<Waiter> it = queue.iterator();
        while (it.hasNext() && batch.size() < maxBatch) {
            Waiter next = it.next();
            if (rowKeys.contains(next.entity.getRowKey())) {
                continue; // the same lead twice: Azure refuses a transaction touching one entity twice
            }
            if (!batch.isEmpty() && bytes + next.bytes > MAX_BATCH_BYTES) {
                break;
            }
            it.remove();
            batch.add(next);
            rowKeys.add(next.entity.getRowKey());
            bytes += next.bytes;
        }
        return batch;
    }

    /** A generous estimate of an entity's size on the wire (JSON, strings as UTF-8, escapes doubled). */
    static long estimatedBytes(TableEntity entity) {
        long bytes = 512L;
        for (Map.Entry<String, Object> p : entity.getProperties().entrySet()) {
            bytes += 64L + 2L * p.getKey().length();
            Object value = p.getValue();
            bytes += value instanceof String s ? 3L * s.length() : 64L;
        }
        return bytes;
    }
}
