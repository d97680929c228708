package dev.leadpipe.sink.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionFailedException;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.DeliveryFailure;

/**
 * Writes a batch of entities of one PartitionKey to a {@link TableTarget} so that one bad entity cannot sink the
 * others:
 * <ul>
 * <li>one entity: a single upsert;</li>
 * <li>several: one batch transaction. When it fails on an action the service names (an entity Azure refuses, such as a
 * property over 64 KiB), the others are written again without it and the named one alone, as a single upsert, whose
 * failure (classified by {@link TableErrorClassifier}) is its own;</li>
 * <li>when a transaction fails without naming an action, or the whole request is refused for what it holds (a 4xx other
 * than authentication, not found, timeout or throttling, such as 413), the batch is halved and each half written the
 * same way;</li>
 * <li>when the request, or the action the service names, fails for a reason of the account or the service (authentication, an unreachable or busy
 * service, a timeout), every entity of the batch gets that failure: splitting would only repeat it.</li>
 * </ul>
 * Every write is an upsert (REPLACE), so an entity written twice is still one entity.
 */
final class TableTransactions {
    private TableTransactions() {}

    /**
     * Writes {@code entities} (one PartitionKey, no RowKey twice).
     *
     * @param secrets values no failure detail may contain
     * @return one entry per entity, in order: null when written, else its classified failure
     */
    static List<DeliveryFailure> write(TableTarget target, List<TableEntity> entities, Collection<String> secrets) {
        DeliveryFailure[] results = new DeliveryFailure[entities.size()];
        List<Integer> all = new ArrayList<>(entities.size());
        for (int i = 0; i < entities.size(); i++) {
            all.add(i);
        }
        write(target, entities, all, secrets, results);
        return Arrays.asList(results);
    }

    private static void write(
            TableTarget target,
            List<TableEntity> entities,
            List<Integer> part,
            Collection<String> secrets,
            DeliveryFailure[] results) {
        if (part.isEmpty()) {
            return;
        }
        if (part.size() == 1) {
            results[part.get(0)] = upsertOne(target, entities.get(part.get(0)), secrets);
            return;
        }
        try {
            target.upsertAll(part.stream().map(entities::get).toList());
        } catch (TableTransactionFailedException e) {
            DeliveryFailure failure = ofTransaction(e, secrets);
            if (failure.errorClass() == ErrorClass.TABLE_UNAVAILABLE
                    || failure.errorClass() == ErrorClass.TABLE_AUTH_FAILED) {
                part.forEach(i -> results[i] = failure);
                return;
            }
            Integer failed = e.getFailedTransactionActionIndex();
            if (failed != null && failed >= 0 && failed < part.size()) {
                List<Integer> rest = new ArrayList<>(part);
                int bad = rest.remove((int) failed);
                write(target, entities, rest, secrets, results);
                results[bad] = upsertOne(target, entities.get(bad), secrets);
            } else {
                bisect(target, entities, part, secrets, results);
            }
        } catch (RuntimeException e) {
            DeliveryFailure failure = TableErrorClassifier.classify(e, secrets);
            if (aboutTheEntities(failure)) {
                bisect(target, entities, part, secrets, results);
            } else {
                part.forEach(i -> results[i] = failure);
            }
        }
    }

    private static void bisect(
            TableTarget target,
            List<TableEntity> entities,
            List<Integer> part,
            Collection<String> secrets,
            DeliveryFailure[] results) {
        int half = part.size() / 2;
        write(target, entities, List.copyOf(part.subList(0, half)), secrets, results);
        write(target, entities, List.copyOf(part.subList(half, part.size())), secrets, results);
    }

    /**
     * A failed transaction by its action's error code (the SDK keeps no response for it): ServerBusy, an
     * authorization code... concern the whole account, whichever action the service named.
     */
    private static DeliveryFailure ofTransaction(TableTransactionFailedException e, Collection<String> secrets) {
        String code = e.getValue() == null || e.getValue().getErrorCode() == null
                ? null
                : e.getValue().getErrorCode().toString();
        String message = e.getValue() == null ? null : e.getValue().getErrorMessage();
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        return TableErrorClassifier.classifyStatus(status, code, message, null, secrets);
    }

    private static DeliveryFailure upsertOne(TableTarget target, TableEntity entity, Collection<String> secrets) {
        try {
            target.upsert(entity);
            return null;
        } catch (RuntimeException e) {
            return TableErrorClassifier.classify(e, secrets);
        }
    }

    /** Whether a refused request may be refused for one of the entities it holds (so splitting it may help). */
    private static boolean aboutTheEntities(DeliveryFailure failure) {
        int status = failure.httpStatus();
        return failure.errorClass() == ErrorClass.DESTINATION_HTTP_ERROR
                && status >= 400
                && status < 500
                && status != 404;
    }
}
