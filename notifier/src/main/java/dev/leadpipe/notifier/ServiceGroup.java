package dev.leadpipe.notifier;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.leadpipe.ops.ServiceProcess;

/**
 * Services run as one process: {@link #awaitTermination()} returns as soon as any of them stopped (closed, or by
 * itself), {@link #failure()} is the first member's failure, {@link #close()} closes them in reverse order.
 */
final class ServiceGroup implements ServiceProcess.Service {
    private final List<ServiceProcess.Service> members;
    private final CountDownLatch anyStopped = new CountDownLatch(1);

    ServiceGroup(List<ServiceProcess.Service> members) {
        this.members = List.copyOf(members);
        for (ServiceProcess.Service m : this.members) {
            Thread.ofVirtual().name("service-group-watch").start(() -> {
                try {
                    m.awaitTermination();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                anyStopped.countDown();
            });
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        anyStopped.await();
    }

    @Override
    public String failure() {
        for (ServiceProcess.Service m : members) {
            String f = m.failure();
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    @Override
    public void close() {
        for (int i = members.size() - 1; i >= 0; i--) {
            members.get(i).close();
        }
    }
}
