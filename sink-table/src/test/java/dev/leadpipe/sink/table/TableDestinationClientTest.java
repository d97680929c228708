package dev.leadpipe.sink.table;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadpipe.azurite.AzuriteServer;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.leadpipe.sink.table.TableLeads.OFFER_ID;
import static dev.leadpipe.sink.table.TableLeads.destination;
import static dev.leadpipe.sink.table.TableLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** TableDestinationClient against a real Azurite: mapping, upsert, table creation, credential failures. */
class TableDestinationClientTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final TableDestinationClient CLIENT = new TableDestinationClient(Duration.ofSeconds(5));
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+\\.[a-z]{2,}");

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Test
    void deliversALeadWithEveryColumn() throws Exception {
        Lead lead = lead("lead-columns-1", "Contoso Ltd");

        String id = CLIENT.deliver(lead, destination(AZURITE.connectionString()));

        assertThat(id).isEqualTo("MarketplaceLeads/" + OFFER_ID + "/lead-columns-1");
        TableEntity e = table().getEntity(OFFER_ID, "lead-columns-1");
        assertThat(e.getPartitionKey()).isEqualTo(OFFER_ID);
        assertThat(e.getRowKey()).isEqualTo("lead-columns-1");
        assertThat(e.getProperty("LeadId")).isEqualTo("lead-columns-1");
        assertThat(e.getProperty("OfferId")).isEqualTo(OFFER_ID);
        assertThat(e.getProperty("IsTestLead")).isEqualTo(false);
        assertThat(e.getProperty("ActionCode")).isEqualTo("INS");
        assertThat(((OffsetDateTime) e.getProperty("CreatedTime")).toInstant())
                .isEqualTo(Instant.parse("2026-11-24T08:15:30.123Z"));
        assertThat(e.getProperty("Description")).isEqualTo("Install of the widget");
        assertThat(e.getProperty("LeadSource")).isEqualTo("AzureMarketplace-INS|contoso.widget-saas");
        assertThat(e.getProperty("OfferDisplayName")).isEqualTo("Contoso Widget SaaS");
        assertThat(e.getProperty("FirstName")).isEqualTo("Mei");
        assertThat(e.getProperty("LastName")).isEqualTo("Lin");
        assertThat(e.getProperty("Email")).isEqualTo("mei.lin@contoso.example");
        assertThat(e.getProperty("Phone")).isEqualTo("+886 2 1234 5678");
        assertThat(e.getProperty("Country")).isEqualTo("TW");
        assertThat(e.getProperty("Company")).isEqualTo("Contoso Ltd");
        assertThat(e.getProperty("Title")).isEqualTo("CTO");
        assertThat(e.getProperty("ActionName")).isEqualTo("Get it now");
        assertThat(e.getProperty("SourceName")).isEqualTo("Azure Marketplace");
        assertThat(e.getProperty("DoNotContact")).isEqualTo(false);
        // CustomerInfo: the UserDetails JSON in the marketplace's casing
        assertThat(new ObjectMapper().readTree((String) e.getProperty("CustomerInfo")))
                .isEqualTo(new ObjectMapper().readTree("""
                        {"FirstName":"Mei","LastName":"Lin","Email":"mei.lin@contoso.example",
                         "Phone":"+886 2 1234 5678","Country":"TW","Company":"Contoso Ltd","Title":"CTO"}"""));
        assertThat(CLIENT.type()).isEqualTo(DestinationType.TABLE);
    }

    /**
     * Every action code and source, through Azurite: the marketplace's ActionCode and LeadSource kept as they came,
     * with the readable ActionName and SourceName beside them and DoNotContact true only for DNC.
     */
    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(
            delimiter = ';',
            nullValues = "-",
            value = {
                "AzureMarketplace-INS|contoso.widget-saas; INS; Get it now; Azure Marketplace; false",
                "AppSource-PLT|contoso.widget-saas; PLT; Contact me; AppSource; false",
                "AppSource-DNC|contoso.widget-saas; DNC; Do not contact; AppSource; true",
                "AzurePortal-Create|contoso.widget-saas; Create; Purchase; Azure portal; false",
                "TestDrive-StartTestDrive|contoso.widget-saas; StartTestDrive; Test drive; Test drive; false",
                "SPZA-DNC|contoso.widget-saas; -; Do not contact; AppSource; true",
                "Bing-XYZ|contoso.widget-saas; XYZ; XYZ; Bing; false",
                "-; -; -; -; false",
            })
    void addsReadableActionSourceAndDoNotContactColumns(
            String leadSource, String actionCode, String actionName, String sourceName, boolean doNotContact)
            throws Exception {
        String leadId = "lead-columns-"
                + Integer.toHexString(String.valueOf(leadSource + actionCode).hashCode());
        CLIENT.deliver(TableLeads.withAction(leadId, leadSource, actionCode), destination(AZURITE.connectionString()));

        TableEntity e = table().getEntity(OFFER_ID, leadId);
        assertThat(e.getProperty("ActionCode")).isEqualTo(actionCode);
        assertThat(e.getProperty("LeadSource")).isEqualTo(leadSource);
        assertThat(e.getProperty("ActionName")).isEqualTo(actionName);
        assertThat(e.getProperty("SourceName")).isEqualTo(sourceName);
        assertThat(e.getProperty("DoNotContact")).isEqualTo(doNotContact);
    }

    @Test
    void deliveringTheSameLeadAgainUpsertsOneEntityWithTheNewValues() throws Exception {
        var destination = destination(AZURITE.connectionString());
        Lead first = lead("lead-upsert-1", "Contoso Ltd");
        String id1 = CLIENT.deliver(first, destination);
        String id2 = CLIENT.deliver(first, destination);
        assertThat(id2).isEqualTo(id1);
        assertThat(entitiesWithRowKey("lead-upsert-1")).hasSize(1);

        Lead changed = TableLeads.read("""
                {"leadId": "lead-upsert-1", "offerId": "%s",
                 "UserDetails": {"FirstName": "Mei", "Email": "mei.lin@contoso.example", "Company": "Fabrikam"},
                 "OfferTitle": "MSFT_TEST_Contoso Widget"}""".formatted(OFFER_ID));
        CLIENT.deliver(changed, destination);

        List<TableEntity> entities = entitiesWithRowKey("lead-upsert-1");
        assertThat(entities).hasSize(1);
        TableEntity e = entities.get(0);
        assertThat(e.getProperty("Company")).isEqualTo("Fabrikam");
        assertThat(e.getProperty("IsTestLead")).isEqualTo(true);
        // REPLACE mode: columns the new version does not have are gone
        assertThat(e.getProperties()).doesNotContainKeys("Phone", "Title", "ActionCode", "CreatedTime");
    }

    @Test
    void createsTheTableWhenMissingAndAgainWhenItWasDeleted() throws Exception {
        var service = new TableServiceClientBuilder()
                .connectionString(AZURITE.connectionString())
                .buildClient();
        service.deleteTable(TableDestinationClient.TABLE_NAME);

        try (TableDestinationClient fresh = new TableDestinationClient(Duration.ofSeconds(5))) {
            fresh.deliver(lead("lead-create-1", "Contoso"), destination(AZURITE.connectionString()));
            assertThat(table().getEntity(OFFER_ID, "lead-create-1")).isNotNull();

            // the client remembers the table exists; someone deletes it; the next delivery recreates it
            service.deleteTable(TableDestinationClient.TABLE_NAME);
            fresh.deliver(lead("lead-create-2", "Contoso"), destination(AZURITE.connectionString()));
            assertThat(table().getEntity(OFFER_ID, "lead-create-2")).isNotNull();
        }
    }

    @Test
    void mapsAnEduLeadWhosePersonalDataWasWithheld() throws Exception {
        Lead edu = TableLeads.read("""
                {"leadId": "lead-edu-1", "offerId": "%s", "UserDetails": {"Email": "withheld@cs.mit.edu"},
                 "LeadSource": "AzureMarketplace-INS|contoso.widget-saas"}""".formatted(OFFER_ID));

        CLIENT.deliver(edu, destination(AZURITE.connectionString()));

        TableEntity e = table().getEntity(OFFER_ID, "lead-edu-1");
        assertThat(e.getProperty("Email")).isEqualTo("withheld@cs.mit.edu");
        assertThat(e.getProperty("CustomerInfo")).isEqualTo("{\"Email\":\"withheld@cs.mit.edu\"}");
        assertThat(e.getProperties()).doesNotContainKeys("FirstName", "LastName", "Phone", "Company", "CreatedTime");
    }

    @Test
    void aWrongAccountKeyIsAPermanentAuthFailureWithoutSecretsInTheDetail() {
        byte[] other = new byte[64];
        new java.util.Random(7).nextBytes(other);
        String wrongKey = Base64.getEncoder().encodeToString(other);
        String connectionString = AZURITE.connectionString().replace(AzuriteServer.ACCOUNT_KEY, wrongKey);

        DeliveryFailure f = failure(lead("lead-auth-1", "Contoso"), connectionString);
        System.out.println("wrong key -> " + f);

        assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_AUTH_FAILED);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.httpStatus()).isEqualTo(403);
        assertThat(f.detail()).doesNotContain(wrongKey, AzuriteServer.ACCOUNT_KEY, "mei.lin");
        assertThat(EMAIL.matcher(f.detail()).find()).isFalse();
    }

    @Test
    void aKeyThatIsNotBase64IsAnAuthFailureBeforeAnyRequest() {
        String connectionString = AZURITE.connectionString().replace(AzuriteServer.ACCOUNT_KEY, "not*a*key!");
        DeliveryFailure f = failure(lead("lead-auth-2", "Contoso"), connectionString);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_AUTH_FAILED);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.detail()).doesNotContain("not*a*key!");
    }

    @Test
    void anUnknownAccountHostIsAPermanentAccountNotFound() {
        String connectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                + AzuriteServer.ACCOUNT_KEY + ";TableEndpoint=http://nosuchaccount.invalid:10002/devstoreaccount1;";
        DeliveryFailure f = failure(lead("lead-host-1", "Contoso"), connectionString);
        System.out.println("unknown host -> " + f);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_ACCOUNT_NOT_FOUND);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.detail()).doesNotContain(AzuriteServer.ACCOUNT_KEY);
    }

    @Test
    void aMissingOrEndpointlessConnectionStringIsAccountNotFound() {
        for (String cs : new String[] {null, "", "AccountKey=" + AzuriteServer.ACCOUNT_KEY, "garbage"}) {
            DeliveryFailure f = failure(lead("lead-cs-1", "Contoso"), cs);
            assertThat(f.errorClass()).as("%s", cs).isEqualTo(ErrorClass.TABLE_ACCOUNT_NOT_FOUND);
            assertThat(f.isTransient()).isFalse();
            assertThat(f.detail()).doesNotContain(AzuriteServer.ACCOUNT_KEY);
        }
        DeliveryFailure noCredential = failure(lead("lead-cs-2", "Contoso"), "AccountName=devstoreaccount1");
        assertThat(noCredential.errorClass()).isEqualTo(ErrorClass.TABLE_AUTH_FAILED);
    }

    @Test
    void aLeadWithoutAnOfferIdIsMalformed() {
        Lead noOffer = TableLeads.read("{\"leadId\": \"lead-nooffer\", \"UserDetails\": {\"Email\": \"a@b.example\"}}");
        DeliveryFailure f = failure(noOffer, AZURITE.connectionString());
        assertThat(f.errorClass()).isEqualTo(ErrorClass.MALFORMED_RECORD);
        assertThat(f.isTransient()).isFalse();
    }

    @Test
    void endpointIsTheTableEndpointWithoutAnySecret() {
        assertThat(CLIENT.endpoint(destination(AZURITE.connectionString())))
                .isEqualTo("http://127.0.0.1:" + AZURITE.port() + "/devstoreaccount1");
        assertThat(CLIENT.endpoint(destination("DefaultEndpointsProtocol=https;AccountName=contosoleads;AccountKey="
                        + AzuriteServer.ACCOUNT_KEY + ";EndpointSuffix=core.windows.net")))
                .isEqualTo("https://contosoleads.table.core.windows.net");
        assertThat(CLIENT.endpoint(destination("TableEndpoint=https://contosoleads.table.core.windows.net/;"
                        + "SharedAccessSignature=sv=2019-02-02&ss=t&sig=abc%2Bdef%3D")))
                .isEqualTo("https://contosoleads.table.core.windows.net");
        assertThat(CLIENT.endpoint(destination("UseDevelopmentStorage=true")))
                .isEqualTo("http://127.0.0.1:10002/devstoreaccount1");
        assertThat(CLIENT.endpoint(destination(null))).isEqualTo(TableDestinationClient.INVALID_ENDPOINT);
    }

    private static DeliveryFailure failure(Lead lead, String connectionString) {
        DeliveryException e = catchThrowableOfType(
                DeliveryException.class, () -> CLIENT.deliver(lead, destination(connectionString)));
        assertThat(e).as("delivery should fail").isNotNull();
        assertThat(e.getMessage()).doesNotContain(AzuriteServer.ACCOUNT_KEY);
        return e.failure();
    }

    private static TableClient table() {
        return new TableClientBuilder()
                .connectionString(AZURITE.connectionString())
                .tableName(TableDestinationClient.TABLE_NAME)
                .buildClient();
    }

    private static List<TableEntity> entitiesWithRowKey(String rowKey) {
        return table()
                .listEntities(new ListEntitiesOptions().setFilter("RowKey eq '" + rowKey + "'"), null, null)
                .stream()
                .toList();
    }
}
