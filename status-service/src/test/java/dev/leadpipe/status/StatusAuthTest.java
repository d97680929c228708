package dev.leadpipe.status;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.auth.Role;
import dev.leadpipe.ops.testing.RouteAuthCheck;
import dev.leadpipe.ops.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.status.StatusServiceTest.await;
import static dev.leadpipe.status.StatusServiceTest.get;
import static dev.leadpipe.status.StatusServiceTest.lead;
import static org.assertj.core.api.Assertions.assertThat;

/** The status service's credentials: every route of its table, and a publisher seeing only its own offers. */
class StatusAuthTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void everyRouteAsksForTheRightCredentialAndAPublisherSeesOnlyItsOffers() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String own = "contoso.auth-" + run;
        String other = "fabrikam.auth-" + run;
        Instant t = Instant.now().minusSeconds(30);
        TopicWriter.writeLeads(
                bootstrap, Topics.LEADS, List.of(lead("a-" + run, own, t), lead("b-" + run, other, t)), 0);
        RouteAuthCheck check = RouteAuthCheck.createKeys(bootstrap);
        String operator = TestKeys.operator(bootstrap);
        String contoso = TestKeys.create(bootstrap, Role.STATUS_READ, "contoso");
        StatusConfig config = StatusConfig.of(bootstrap)
                .with(StatusConfig.APPLICATION_ID, "status-auth-" + run)
                .with(StatusConfig.STATE_DIR, Files.createTempDirectory("status-auth-test-"))
                .with(StatusConfig.PORT, 0);
        try (Ops ops = Ops.forService("status");
                StatusService status = StatusService.start(config, ops)) {
            int port = status.port();
            await(port, operator, "/v1/status/offers/" + other, a -> a.status() == 200);
            await(port, operator, "/v1/status/offers/" + own, a -> a.status() == 200);

            check.assertEveryRoute("http://127.0.0.1:" + port, status.routes());

            JsonNode all = get(port, operator, "/v1/status").json();
            assertThat(all.path("offers").findValuesAsText("offerId")).contains(own, other);
            JsonNode mine = get(port, contoso, "/v1/status").json();
            assertThat(mine.path("offers").findValuesAsText("offerId"))
                    .contains(own)
                    .noneMatch(id -> id.startsWith("fabrikam."));
            assertThat(get(port, contoso, "/v1/status/offers/" + other).status())
                    .isEqualTo(403);
            assertThat(get(port, contoso, "/v1/status/offers/" + own).status()).isEqualTo(200);
            String page = get(port, contoso, StatusRoutes.PAGE_PATH).body();
            assertThat(page).contains(own).doesNotContain(other);
            // the shell at / is open and holds no data
            StatusServiceTest.Answer shell = get(port, null, "/");
            assertThat(shell.status()).isEqualTo(200);
            assertThat(shell.body()).contains(StatusRoutes.PAGE_PATH).doesNotContain(own);
        }
    }
}
