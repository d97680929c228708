package dev.leadpipe.notifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.lead.RoutedLead;
import jakarta.mail.internet.InternetAddress;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll's lead records and what became of each: a record that needs no e-mail (or was summed into a digest) is
 * handled at once; a per-lead e-mail is handed to the sender threads, which take them in the order they were added
 * (each partition's records in offset order). Once a lead of a partition could not be sent, the partition's records
 * not yet started are left unsent, to be read again. Once the notifier stops, no new e-mail is started. So, when no
 * e-mail failed, the handled records of a partition are always the first ones of the batch.
 */
final class SendBatch {
    private static final Logger LOG = LoggerFactory.getLogger(SendBatch.class);

    /** A lead's e-mails to send: to each contact not in {@code served} (which each contact served is added to). */
    record Mail(
            String leadId, String what, List<InternetAddress> to, String subject, String body, Set<String> served) {}

    /** What became of a record. */
    enum State {
        HANDLED,
        SENDING,
        FAILED,
        NOT_STARTED
    }

    /** A record of the batch. */
    static final class Item {
        private final ConsumerRecord<String, RoutedLead> record;
        private volatile State state;
        private Future<?> future;

        private Item(ConsumerRecord<String, RoutedLead> record, State state) {
            this.record = record;
            this.state = state;
        }

        ConsumerRecord<String, RoutedLead> record() {
            return record;
        }

        /** True when its e-mails were all sent (or refused for good), or it needed none. */
        boolean handled() {
            return state == State.HANDLED;
        }
    }

    private final ContactMailer mailer;
    private final ExecutorService senders;
    private final BooleanSupplier running;
    private final Map<TopicPartition, List<Item>> byPartition = new LinkedHashMap<>();
    private final Set<TopicPartition> failed = ConcurrentHashMap.newKeySet();

    SendBatch(ContactMailer mailer, ExecutorService senders, BooleanSupplier running) {
        this.mailer = mailer;
        this.senders = senders;
        this.running = running;
    }

    /** Adds the partition's next record: handled already when {@code mail} is null, else its e-mails are queued. */
    void add(TopicPartition tp, ConsumerRecord<String, RoutedLead> record, Mail mail) {
        List<Item> items = byPartition.computeIfAbsent(tp, p -> new ArrayList<>());
        if (mail == null) {
            items.add(new Item(record, State.HANDLED));
            return;
        }
        Item item = new Item(record, State.SENDING);
        items.add(item);
        item.future = senders.submit(() -> send(tp, item, mail));
    }

    private void send(TopicPartition tp, Item item, Mail mail) {
        if (!running.getAsBoolean() || failed.contains(tp)) {
            item.state = State.NOT_STARTED;
            return;
        }
        try {
            mailer.send(
                    NotifierMetrics.Kind.LEAD,
                    mail.what(),
                    mail.to(),
                    mail.subject(),
                    mail.body(),
                    ContactMailer.SEND_ATTEMPTS,
                    mail.served());
            item.state = State.HANDLED;
            LOG.info("notified {} contact(s) of {}", mail.to().size(), mail.what());
        } catch (ContactMailer.MailNotSent e) {
            failed.add(tp);
            item.state = State.FAILED;
        } catch (RuntimeException e) {
            failed.add(tp);
            item.state = State.FAILED;
            LOG.warn("sending the e-mails of {} failed: {}", mail.what(), SafeErrors.describe(e));
        }
    }

    /** Waits until every queued e-mail was sent, failed, or was left unsent. */
    void awaitMails() {
        boolean interrupted = false;
        for (List<Item> items : byPartition.values()) {
            for (Item item : items) {
                while (item.future != null) {
                    try {
                        item.future.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        break;
                    }
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each partition's records of the batch, in offset order. */
    Map<TopicPartition, List<Item>> byPartition() {
        return byPartition;
    }

    /** Whether an e-mail of the partition could not be sent (so it is to be read again from its first unhandled). */
    boolean failed(TopicPartition tp) {
        return failed.contains(tp);
    }
}
