package dev.leadpipe.sink.table;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.azure.core.credential.AzureNamedKeyCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.TableEntity;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.TableSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.core.lead.MarketplaceAction;
import dev.leadpipe.core.lead.MarketplaceSource;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.HttpSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.leadpipe.core.destination.types.TableSpec.CONNECTION_STRING;

/**
 * Delivers a lead to the publisher's Azure Table storage the way the marketplace does: one entity in table
 * {@value #TABLE_NAME} (created if missing), PartitionKey = offer id, RowKey = leadId, upserted in REPLACE mode so a
 * retry or replay rewrites the same entity instead of adding one. The destination setting {@value TableSpec#CONNECTION_STRING}
 * holds the storage connection string (account name and key, or a SAS).
 *
 * <p>Leads of one account and offer delivered at the same time are written together, up to {@link #maxBatch()} in one
 * batch transaction ({@link TableBatcher}: group commit, no timer), and a batch holding an entity Azure refuses still
 * writes the others ({@link TableTransactions}); each call gets its own lead's result.
 *
 * <p>One {@link TableClient} per connection string, cached under the string's SHA-256 (the string itself is never
 * kept as a key nor logged), all sharing one HTTP client. The SDK's own retries are off: the sink runtime retries,
 * with its backoff and budget. Thread-safe.
 */
public final class TableDestinationClient implements DestinationClient {
    private static final Logger LOG = LoggerFactory.getLogger(TableDestinationClient.class);

    public static final String TABLE_NAME = "MarketplaceLeads";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Azure Table's limit of entities in one batch transaction. */
    public static final int MAX_BATCH = 100;

    static final String INVALID_ENDPOINT = "table:invalid-connection-string";
    private static final int MAX_CACHED_CLIENTS = 10_000;

    private final HttpClient http;
    private final int maxBatch;
    private final TableBatcher batcher;
    private final ConcurrentMap<String, TableTarget> targets = new ConcurrentHashMap<>();

    /** A client with a 30 s response timeout (10 s to connect), batching up to {@value #MAX_BATCH} entities. */
    public TableDestinationClient() {
        this(DEFAULT_TIMEOUT);
    }

    /** A client whose requests give up after {@code timeout} without an answer (connecting: at most 10 s). */
    public TableDestinationClient(Duration timeout) {
        this(timeout, MAX_BATCH);
    }

    /**
     * A client whose requests give up after {@code timeout}, writing up to {@code maxBatch} leads of one offer and
     * account in one batch transaction (1: one upsert per lead).
     */
    public TableDestinationClient(Duration timeout, int maxBatch) {
        this(httpClient(timeout), maxBatch);
    }

    /** A client sending through {@code http} (tests count its requests). */
    TableDestinationClient(HttpClient http, int maxBatch) {
        if (maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new IllegalArgumentException("maxBatch must be 1 to " + MAX_BATCH);
        }
        this.http = http;
        this.maxBatch = maxBatch;
        this.batcher = maxBatch > 1 ? new TableBatcher(maxBatch) : null;
    }

    /** The shared HTTP client: {@code timeout} to write and read, at most 10 s to connect. */
    static HttpClient httpClient(Duration timeout) {
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        return HttpClient.createDefault(new HttpClientOptions()
                .setConnectTimeout(connect)
                .setWriteTimeout(timeout)
                .setResponseTimeout(timeout)
                .setReadTimeout(timeout));
    }

    /** How many leads at most share one transaction. */
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public DestinationType type() {
        return DestinationType.TABLE;
    }

    /**
     * Upserts the lead's entity; with batching, in one transaction with the other leads of the same account and
     * offer being delivered at the same time. The lead's own failure only: another lead's bad entity in the same
     * batch does not fail this one.
     */
    @Override
    public String deliver(Lead lead, LeadDestination destination) throws DeliveryException {
        Set<String> secrets = TableErrorClassifier.secretValues(destination.settings());
        TableEntity entity = entityOf(lead);
        String connectionString = destination.settings().get(CONNECTION_STRING);
        TableTarget target = target(connectionString);
        DeliveryFailure failure;
        if (batcher == null) {
            failure = TableTransactions.write(target, List.of(entity), secrets).get(0);
        } else {
            try {
                failure = batcher.deliver(
                        HttpSupport.sha256Hex(connectionString),
                        entity,
                        entities -> TableTransactions.write(target, entities, secrets));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException(new DeliveryFailure(
                        ErrorClass.TABLE_UNAVAILABLE, 0, null, "interrupted while the lead's batch was written"));
            }
        }
        if (failure != null) {
            throw new DeliveryException(failure);
        }
        return TABLE_NAME + "/" + entity.getPartitionKey() + "/" + entity.getRowKey();
    }

    /** The account's table endpoint, e.g. {@code https://ACCOUNT.table.core.windows.net}: no key, no SAS. */
    @Override
    public String endpoint(LeadDestination destination) {
        try {
            return TableAccount.parse(destination.settings().get(CONNECTION_STRING))
                    .endpoint();
        } catch (DeliveryException e) {
            return INVALID_ENDPOINT;
        }
    }

    @Override
    public void close() {
        targets.clear();
    }

    /**
     * The entity for a lead: the marketplace's columns (ActionCode and LeadSource as they came), the customer's fields
     * flat, the pipeline's ids, and readable columns: {@code ActionName} ("Contact me", an unknown code as it came;
     * absent when the lead names no action), {@code SourceName} ("AppSource" for AppSource and SPZA, an unknown source
     * as it came; absent when none) and {@code DoNotContact} (boolean, true only for a DNC lead: the customer must
     * not be contacted).
     */
    static TableEntity entityOf(Lead lead) throws DeliveryException {
        String partitionKey = key(lead.offerId(), "offer id");
        String rowKey = key(lead.leadId(), "leadId");
        TableEntity entity = new TableEntity(partitionKey, rowKey);
        UserDetails user = lead.userDetails();
        put(entity, "LeadId", lead.leadId());
        put(entity, "OfferId", lead.offerId());
        entity.addProperty("IsTestLead", lead.test());
        put(entity, "ActionCode", lead.actionCode());
        if (lead.receivedAt() != null) {
            entity.addProperty("CreatedTime", OffsetDateTime.ofInstant(lead.receivedAt(), ZoneOffset.UTC));
        }
        put(entity, "CustomerInfo", LeadJson.writeUser(user).toString());
        put(entity, "Description", lead.description());
        put(entity, "LeadSource", lead.leadSource());
        put(entity, "OfferDisplayName", lead.offerTitle());
        put(entity, "FirstName", user.firstName());
        put(entity, "LastName", user.lastName());
        put(entity, "Email", user.email());
        put(entity, "Phone", user.phone());
        put(entity, "Country", user.country());
        put(entity, "Company", user.company());
        put(entity, "Title", user.title());
        String action = MarketplaceAction.codeOf(lead);
        if (action != null) {
            put(entity, "ActionName", MarketplaceAction.labelOf(action));
        }
        String source = lead.parsedLeadSource().source();
        if (source != null) {
            put(entity, "SourceName", MarketplaceSource.labelOf(source));
        }
        entity.addProperty("DoNotContact", DoNotContactLeads.applies(lead));
        return entity;
    }

    private static void put(TableEntity entity, String name, String value) {
        if (value != null) {
            entity.addProperty(name, value);
        }
    }

    /** A PartitionKey or RowKey: present, at most 1 KiB, none of {@code / \ # ?} or control characters. */
    private static String key(String value, String what) throws DeliveryException {
        if (value == null || value.isEmpty()) {
            throw malformed("the lead has no " + what + ": it cannot be keyed in the table");
        }
        if (value.length() > 1024
                || value.chars()
                        .anyMatch(c -> c == '/'
                                || c == '\\'
                                || c == '#'
                                || c == '?'
                                || c < 0x20
                                || (c >= 0x7f && c <= 0x9f))) {
            throw malformed(
                    "the lead's " + what + " cannot be a table key (too long, or / \\ # ? or control characters)");
        }
        return value;
    }

    private static DeliveryException malformed(String detail) {
        return new DeliveryException(new DeliveryFailure(ErrorClass.MALFORMED_RECORD, 0, null, detail));
    }

    private TableTarget target(String connectionString) throws DeliveryException {
        TableAccount account = TableAccount.parse(connectionString);
        String cacheKey = HttpSupport.sha256Hex(connectionString);
        TableTarget target = targets.get(cacheKey);
        if (target != null) {
            return target;
        }
        if (targets.size() >= MAX_CACHED_CLIENTS) {
            targets.clear(); // clients are cheap to rebuild; the HTTP client and its connections are shared
        }
        return targets.computeIfAbsent(cacheKey, k -> {
            LOG.info("new Table client for {}", account.endpoint());
            return new TableTarget(build(account));
        });
    }

    private TableClient build(TableAccount account) {
        TableClientBuilder builder = new TableClientBuilder()
                .endpoint(account.endpoint())
                .tableName(TABLE_NAME)
                .httpClient(http)
                // no SDK retries: the sink runtime retries with its own backoff and budget
                .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1))));
        if (account.sasToken() != null) {
            builder.sasToken(account.sasToken());
        } else {
            builder.credential(new AzureNamedKeyCredential(account.accountName(), account.accountKey()));
        }
        return builder.buildClient();
    }
}
