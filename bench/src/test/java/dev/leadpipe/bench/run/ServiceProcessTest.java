package dev.leadpipe.bench.run;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceProcessTest {

    @Test
    void heapUsedIsTheSumOfTheHeapPoolsInPrometheusText() {
        String metrics = """
                # HELP jvm_memory_used_bytes The amount of used memory
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",id="Tenured Gen"} 1.048576E7
                jvm_memory_used_bytes{area="heap",id="Eden Space"} 2097152.0
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
                jvm_memory_max_bytes{area="heap",id="Eden Space"} 7.0E7
                """;
        assertThat(ServiceProcess.heapUsedBytes(metrics)).isEqualTo(12_582_912.0);
    }

    @Test
    void servicesMapToTheirModulesAsBinLeadpipeDoes() {
        assertThat(ServiceProcess.moduleOf("ingest")).isEqualTo("ingest-service");
        assertThat(ServiceProcess.moduleOf("router")).isEqualTo("router-streams");
        assertThat(ServiceProcess.moduleOf("sink-https")).isEqualTo("sink-https");
        assertThat(ServiceProcess.moduleOf("notifier")).isEqualTo("notifier");
        assertThatThrownBy(() -> ServiceProcess.moduleOf("leadctl")).isInstanceOf(IllegalArgumentException.class);
    }
}
