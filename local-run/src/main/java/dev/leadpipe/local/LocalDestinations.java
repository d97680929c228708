package dev.leadpipe.local;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;

import dev.leadpipe.azurite.AzuriteServer;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.DynamicsSinkApp;
import dev.leadpipe.sink.dynamics.MsalHttp;
import dev.leadpipe.sink.https.HttpsDestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.salesforce.SalesforceDestinationClient;
import dev.leadpipe.sink.table.TableDestinationClient;

/**
 * The four destinations the local run delivers to, each a local stand-in that knows the sample offers' credentials
 * and the real sink that delivers to it: Azurite and sink-table, local Azure AD and Dataverse and sink-dynamics, a
 * local Salesforce and sink-salesforce, a local HTTPS receiver that verifies signatures and sink-https. Started in
 * that order (one line each), closed with the other {@link RunningServices}. {@link #fillIn} points a sample
 * destination file's placeholders at the stand-ins.
 */
final class LocalDestinations {
    /** The delivery topics whose sink this local run starts; leads on the others wait there. */
    static final Set<String> SINK_TOPICS = Set.of(
            Topics.DELIVERIES_TABLE.name(),
            Topics.DELIVERIES_DYNAMICS.name(),
            Topics.DELIVERIES_SALESFORCE.name(),
            Topics.DELIVERIES_HTTPS.name());
    /** The Azure AD directory, application and secret the sample Dynamics offer uses; the local Azure AD knows them. */
    private static final String SAMPLE_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private static final String SAMPLE_APP = "0b2a4c0e-6f1d-4c1e-9a7e-3b5d2f8e9c10";
    private static final String SAMPLE_SECRET = "local-sample-secret-not-real";
    /** The Salesforce connected app and organisation of the sample Salesforce offers; the local Salesforce knows them. */
    private static final String SAMPLE_SF_CLIENT = "3MVG9local.sample.connected.app";

    private static final String SAMPLE_SF_SECRET = "local-sample-sf-secret-not-real";
    private static final String SAMPLE_SF_ORG = "00D5g000004XyZ1";
    /** The HMAC key of the sample HTTPS offer; the local receiver verifies every delivery with it. */
    private static final String SAMPLE_SIGNING_SECRET = "local-sample-signing-secret";

    private final AzuriteServer azurite;
    private final FakeDataverse dataverse;
    private final FakeSalesforce salesforce;
    private final FakeHttpsReceiver receiver;

    private LocalDestinations(
            AzuriteServer azurite, FakeDataverse dataverse, FakeSalesforce salesforce, FakeHttpsReceiver receiver) {
        this.azurite = azurite;
        this.dataverse = dataverse;
        this.salesforce = salesforce;
        this.receiver = receiver;
    }

    /** Starts each stand-in and its sink against the broker at {@code bootstrap}, added to {@code running}. */
    static LocalDestinations start(KafkaConnection bootstrap, RunningServices running) {
        AzuriteServer azurite = running.closeLater(AzuriteServer.start());
        System.out.println("Azurite    Azure Table emulator at " + azurite.tableEndpoint());
        running.startSink(
                SinkConfig.of(bootstrap),
                new TableDestinationClient(),
                DestinationType.TABLE,
                "deliveries.table -> each offer's Azure Table, MarketplaceLeads");

        FakeAzureAd aad = running.closeLater(FakeAzureAd.start().addApp(SAMPLE_TENANT, SAMPLE_APP, SAMPLE_SECRET));
        FakeDataverse dataverse = running.closeLater(FakeDataverse.start(aad));
        System.out.println("Dynamics   local stand-ins: Azure AD token endpoint " + aad.baseUrl()
                + ", Dataverse Web API " + dataverse.url());
        SinkConfig dataverseLimited =
                SinkConfig.of(bootstrap).withMaxConcurrencyPerEndpoint(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);
        running.startSink(
                dataverseLimited,
                new DynamicsDestinationClient(
                        aad.authorityHost(),
                        MsalHttp.via(aad.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                        null,
                        Duration.ofSeconds(30)),
                DestinationType.DYNAMICS,
                "deliveries.dynamics -> each offer's Dataverse, signed in through Azure AD");

        FakeSalesforce salesforce = running.closeLater(FakeSalesforce.start()
                .addClientCredentialsApp(SAMPLE_SF_CLIENT, SAMPLE_SF_SECRET)
                .addOrg(SAMPLE_SF_ORG));
        System.out.println("Salesforce local stand-in (OAuth, REST API, Web-to-Lead) at " + salesforce.url());
        running.startSink(
                SinkConfig.of(bootstrap),
                new SalesforceDestinationClient(null, Duration.ofSeconds(30)),
                DestinationType.SALESFORCE,
                "deliveries.salesforce -> REST upsert on LeadpipeLeadId__c, or Web-to-Lead");

        FakeHttpsReceiver receiver = running.closeLater(FakeHttpsReceiver.start(SAMPLE_SIGNING_SECRET));
        System.out.println(
                "HTTPS      local receiver (stands in for a Power Automate flow, verifies the HMAC signature) at "
                        + receiver.baseUrl());
        running.startSink(
                SinkConfig.of(bootstrap),
                new HttpsDestinationClient(null, Duration.ofSeconds(30)),
                DestinationType.HTTPS,
                "deliveries.https -> POST of the marketplace JSON, HMAC-SHA256 signed");
        return new LocalDestinations(azurite, dataverse, salesforce, receiver);
    }

    /** A sample destination file with its {@code {{...}}} placeholders replaced by the stand-ins' URLs. */
    String fillIn(String destinationJson) {
        return destinationJson
                .replace("{{azurite.tableEndpoint}}", azurite.tableEndpoint())
                .replace("{{dataverse.url}}", dataverse.url())
                .replace("{{salesforce.url}}", salesforce.url())
                .replace("{{salesforce.webToLeadUrl}}", salesforce.webToLeadUrl())
                .replace("{{https.url}}", receiver.url("/workflows/local/triggers/manual/paths/invoke"));
    }

    /** The connection string of the local Azurite, with its real account key. */
    String tableConnectionString() {
        return azurite.connectionString();
    }
}
