package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;

/**
 * An in-memory destination with a scriptable client, standing in for a CRM: it upserts by leadId (so it holds each
 * lead once however often it is delivered), counts calls per lead and concurrent calls per endpoint, and per offer
 * can be told to fail. Its failure details carry the destination's client secret and the customer's e-mail address on
 * purpose, as a careless upstream would, so tests can check the runtime removes them.
 */
final class ScriptedDestination {
    /** The endpoint of a destination: its {@code host} setting (not a secret). */
    static final String HOST = "host";

    /** What a destination does for one offer. */
    record Script(
            int transientFailures,
            IntFunction<ErrorClass> transientClass,
            Duration retryAfter,
            ErrorClass permanent,
            boolean alwaysFail,
            Duration latency,
            CountDownLatch block,
            Predicate<Lead> blockIf,
            Predicate<LeadDestination> failWhile,
            IntPredicate permanentOnCall) {
        static final Script OK = new Script(0, null, null, null, false, null, null, null, null, null);

        static Script transientTimes(int n, ErrorClass c) {
            return new Script(n, call -> c, null, null, false, null, null, null, null, null);
        }

        /** Fails once as throttled, asking to come back after {@code retryAfter}. */
        static Script retryAfterOnce(Duration retryAfter) {
            return new Script(
                    1, call -> ErrorClass.DYNAMICS_THROTTLED, retryAfter, null, false, null, null, null, null, null);
        }

        static Script permanently(ErrorClass c) {
            return new Script(0, null, null, c, false, null, null, null, null, null);
        }

        /** Fails transiently {@code n} times, then permanently. */
        static Script transientThenPermanent(int n, ErrorClass transientClass, ErrorClass permanent) {
            return new Script(n, call -> transientClass, null, permanent, false, null, null, null, null, null);
        }

        /**
         * Refuses a lead's first call permanently, answering after {@code slowness}, and accepts every later call at
         * once (a fix made in between).
         */
        static Script refusedSlowlyOnFirstCall(ErrorClass c, Duration slowness) {
            return new Script(0, null, null, c, false, slowness, null, null, null, call -> call == 1);
        }

        static Script alwaysTransient(ErrorClass c) {
            return new Script(0, call -> c, null, null, true, null, null, null, null, null);
        }

        /** Fails transiently on every call, with the class the function gives for the call's number (1, 2, ...). */
        static Script alwaysTransient(IntFunction<ErrorClass> classOfCall) {
            return new Script(0, classOfCall, null, null, true, null, null, null, null, null);
        }

        static Script slow(Duration latency) {
            return new Script(0, null, null, null, false, latency, null, null, null, null);
        }

        static Script blocking(CountDownLatch block, Predicate<Lead> blockIf) {
            return new Script(0, null, null, null, false, null, block, blockIf, null, null);
        }

        static Script failingWhile(Predicate<LeadDestination> failWhile) {
            return new Script(
                    0, call -> ErrorClass.TABLE_UNAVAILABLE, null, null, false, null, null, null, failWhile, null);
        }
    }

    final Map<String, String> records = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<String, List<Instant>> callTimes = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> maxConcurrent = new ConcurrentHashMap<>();
    final AtomicInteger concurrentOverall = new AtomicInteger();
    final AtomicInteger maxConcurrentOverall = new AtomicInteger();
    final Map<String, Script> scripts = new ConcurrentHashMap<>();

    void script(String offerId, Script script) {
        scripts.put(offerId, script);
    }

    int calls(String leadId) {
        AtomicInteger n = calls.get(leadId);
        return n == null ? 0 : n.get();
    }

    int maxConcurrent(String endpoint) {
        AtomicInteger n = maxConcurrent.get(endpoint);
        return n == null ? 0 : n.get();
    }

    /** A client of this destination for the given type. */
    DestinationClient client(DestinationType type) {
        return new DestinationClient() {
            @Override
            public DestinationType type() {
                return type;
            }

            @Override
            public String endpoint(LeadDestination destination) {
                return destination.settings().get(HOST);
            }

            @Override
            public String deliver(Lead lead, LeadDestination destination) throws DeliveryException {
                return ScriptedDestination.this.deliver(lead, destination, endpoint(destination));
            }
        };
    }

    private String deliver(Lead lead, LeadDestination destination, String endpoint) throws DeliveryException {
        int now = concurrent.computeIfAbsent(endpoint, k -> new AtomicInteger()).incrementAndGet();
        maxConcurrent.computeIfAbsent(endpoint, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        maxConcurrentOverall.accumulateAndGet(concurrentOverall.incrementAndGet(), Math::max);
        try {
            int call = calls.computeIfAbsent(lead.leadId(), k -> new AtomicInteger())
                    .incrementAndGet();
            callTimes
                    .computeIfAbsent(lead.leadId(), k -> new CopyOnWriteArrayList<>())
                    .add(Instant.now());
            Script s = scripts.getOrDefault(lead.offerId(), Script.OK);
            String careless = " (client secret " + destination.settings().get("clientSecret") + ", customer "
                    + lead.userDetails().email() + ")";
            try {
                boolean permanentCall =
                        s.permanentOnCall() != null && s.permanentOnCall().test(call);
                if (s.latency() != null && (s.permanentOnCall() == null || permanentCall)) {
                    // the destination's own response time (with permanentOnCall: only its refusals are slow)
                    Thread.sleep(s.latency().toMillis());
                }
                if (s.block() != null && s.blockIf().test(lead)) {
                    s.block().await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException(new DeliveryFailure(ErrorClass.UNKNOWN, 0, null, "interrupted"));
            }
            boolean permanentNow =
                    s.permanentOnCall() != null ? s.permanentOnCall().test(call) : call > s.transientFailures();
            if (s.permanent() != null && permanentNow) {
                throw new DeliveryException(new DeliveryFailure(
                        s.permanent(), 401, null, "AADSTS7000215: Invalid client secret provided" + careless));
            }
            if (s.alwaysFail()
                    || call <= s.transientFailures()
                    || (s.failWhile() != null && s.failWhile().test(destination))) {
                ErrorClass c = s.transientClass() == null
                        ? ErrorClass.TABLE_UNAVAILABLE
                        : s.transientClass().apply(call);
                throw new DeliveryException(new DeliveryFailure(c, 503, s.retryAfter(), "ServerBusy" + careless));
            }
            records.putIfAbsent(lead.leadId(), "rec-" + lead.leadId());
            return records.get(lead.leadId());
        } finally {
            concurrent.get(endpoint).decrementAndGet();
            concurrentOverall.decrementAndGet();
        }
    }
}
