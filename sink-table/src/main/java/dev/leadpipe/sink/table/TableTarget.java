package dev.leadpipe.sink.table;

import java.util.List;
import java.util.function.Supplier;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;

/**
 * One storage account's {@value TableDestinationClient#TABLE_NAME} table: creates it before the first write, and once
 * more when a write finds it gone (deleted since, or an in-memory Azurite restarted). Writes are upserts in REPLACE
 * mode, so writing a lead again rewrites its entity. Failures are the SDK's exceptions, unclassified. Thread-safe.
 */
final class TableTarget {
    private final TableClient client;
    private volatile boolean tableExists;

    TableTarget(TableClient client) {
        this.client = client;
    }

    /** Upserts one entity (one request). */
    void upsert(TableEntity entity) {
        withTable(() -> client.upsertEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, null, Context.NONE));
    }

    /**
     * Upserts entities of one PartitionKey in one batch transaction (one request): all are written or none.
     *
     * @throws com.azure.data.tables.models.TableTransactionFailedException when an action failed (the service names
     *                                                                      which, when it can)
     */
    void upsertAll(List<TableEntity> entities) {
        List<TableTransactionAction> actions = entities.stream()
                .map(e -> new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, e))
                .toList();
        withTable(() -> client.submitTransactionWithResponse(actions, null, Context.NONE));
    }

    private void withTable(Supplier<?> write) {
        ensureTable();
        try {
            write.get();
        } catch (TableServiceException e) {
            if (!tableNotFound(e)) {
                throw e;
            }
            tableExists = false;
            ensureTable();
            write.get();
        }
    }

    private void ensureTable() {
        if (tableExists) {
            return;
        }
        try {
            client.createTable();
        } catch (TableServiceException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 409) { // 409 TableAlreadyExists
                throw e;
            }
        }
        tableExists = true;
    }

    /** A 404, or a transaction's action failing with TableNotFound (a transaction failure carries no response). */
    private static boolean tableNotFound(TableServiceException e) {
        if (e.getResponse() != null) {
            return e.getResponse().getStatusCode() == 404;
        }
        return e.getValue() != null
                && TableErrorCode.TABLE_NOT_FOUND.equals(e.getValue().getErrorCode());
    }
}
