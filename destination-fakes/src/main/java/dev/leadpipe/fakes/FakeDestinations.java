package dev.leadpipe.fakes;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link FakeAzureAd} and a {@link FakeDataverse} for the local run, until killed. Arguments (all optional):
 * {@code tenantId applicationId clientSecret userName password}; prints where they listen. Point the Dynamics sink
 * at {@code instanceUrl} = the printed Dataverse URL, with authority host {@code https://login.fake-aad.test} and
 * {@code MsalHttp.via(FakeAzureAd.baseUrl(), ...)} (same JVM) as msal4j's HTTP client.
 */
public final class FakeDestinations {
    private FakeDestinations() {}

    public static void main(String[] args) throws InterruptedException {
        String tenant = arg(args, 0, "00000000-0000-0000-0000-00000000c0de");
        String app = arg(args, 1, "11111111-2222-3333-4444-555555555555");
        String secret = arg(args, 2, "local-client-secret");
        String user = arg(args, 3, "leads@contoso.example");
        String password = arg(args, 4, "local-password");
        FakeAzureAd aad = FakeAzureAd.start().addApp(tenant, app, secret).addUser(user, password);
        FakeDataverse dataverse = FakeDataverse.start(aad);
        System.out.println("FakeAzureAd   " + aad.baseUrl() + " (authority host " + aad.authorityHost() + ")");
        System.out.println("FakeDataverse " + dataverse.url());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dataverse.close();
            aad.close();
        }));
        new CountDownLatch(1).await();
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i && !args[i].isBlank() ? args[i] : fallback;
    }
}
