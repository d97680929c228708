package dev.leadpipe.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/ against the code: topics, ACLs, environment variables, ports and images of the k8s base (as written, so this
 * runs without kubectl), of the rendered example overlay (when kubectl is there) and of the compose file. Renaming a
 * topic or a setting in the code without deploy/ fails here ({@code bin/check-deploy-drift} proves it on a copy).
 */
class DeployCrossCheckTest {
    static CodeModel code;
    static List<Map<String, Object>> base;

    @BeforeAll
    static void read() {
        code = CodeModel.fromCode();
        base = DeployFiles.baseDocuments();
        CrossCheck.Images images = BuildImages.read(DeployFiles.root());
        System.out.println("deploy-check: images " + images.names() + ":" + images.version() + " (from the poms)");
    }

    @Test
    void everyRegistryTopicHasAKafkaTopicWithItsPartitionsAndConfigs() {
        assertThat(code.topics()).hasSizeGreaterThan(10);
        assertNone(CrossCheck.topics(code, base));
    }

    @Test
    void everyKafkaUserAclNamesRegistryTopicsAndEveryServiceUsesItsOwnUser() {
        List<Workload> workloads = Workload.fromK8s("base", base);
        assertNone(CrossCheck.users(code, base, workloads));
    }

    @Test
    void everyK8sWorkloadSetsOnlyDeclaredSettingsOnItsDeclaredPortFromItsImage() {
        List<Workload> workloads = Workload.fromK8s("base", base);
        assertThat(workloads)
                .extracting(Workload::service)
                .containsExactlyInAnyOrderElementsOf(code.services().keySet().stream()
                        .filter(s -> !s.equals("leadctl"))
                        .toList());
        assertNone(CrossCheck.workloads(code, workloads, BuildImages.read(DeployFiles.root())));
    }

    @Test
    void theRenderedExampleOverlayAgreesWithTheCodeToo() {
        List<Map<String, Object>> overlay = DeployFiles.render("overlays/example");
        List<Workload> workloads = Workload.fromK8s("overlays/example", overlay);
        List<String> problems = new ArrayList<>(CrossCheck.topics(code, overlay));
        problems.addAll(CrossCheck.users(code, overlay, workloads));
        problems.addAll(CrossCheck.workloads(code, workloads, BuildImages.read(DeployFiles.root())));
        assertThat(workloads).hasSize(8);
        assertNone(problems);
    }

    @Test
    void everyComposeServiceSetsOnlyDeclaredSettingsOnItsDeclaredPortFromItsImage() {
        Map<String, Object> compose = DeployFiles.documents(DeployFiles.deploy("compose/compose.yaml"))
                .get(0);
        List<Workload> workloads = Workload.fromCompose(compose);
        assertThat(workloads)
                .extracting(Workload::service)
                .containsExactlyInAnyOrderElementsOf(code.services().keySet());
        assertNone(CrossCheck.workloads(code, workloads, BuildImages.read(DeployFiles.root())));
    }

    @Test
    void theLeadctlJobValidatesAndAgreesWithTheCode() {
        List<Map<String, Object>> job = DeployFiles.documents(DeployFiles.deploy("k8s/tools/leadctl-job.yaml"));
        List<Workload> workloads = Workload.fromK8s("tools", job);
        assertThat(workloads).extracting(Workload::service).containsExactly("leadctl");
        List<String> problems = new ArrayList<>(SchemaValidation.problems(job));
        problems.addAll(CrossCheck.workloads(code, workloads, BuildImages.read(DeployFiles.root())));
        problems.addAll(CrossCheck.users(code, base, workloads));
        List<Map<String, Object>> all = new ArrayList<>(base);
        all.addAll(job);
        problems.addAll(KustomizeRenderTest.references(all));
        assertNone(problems);
    }

    /** Prints each problem on a line of its own (bin/check-deploy-drift reads them), then fails if there is one. */
    static void assertNone(List<String> problems) {
        problems.forEach(p -> System.out.println("deploy-check problem: " + p));
        assertThat(problems).isEmpty();
    }
}
