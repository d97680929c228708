/**
 * The router: a Kafka Streams application that reads every lead from {@code leads} and gives it exactly one next
 * step. A lead is delivered to its offer's {@code deliveries.<type>} topic, suppressed ({@code .edu} customers, an
 * outcome only), dead-lettered ({@code leads-dlq} plus an outcome) when it cannot be routed or read, or dropped as
 * a duplicate of a lead routed within the de-duplication window.
 *
 * <p>{@link dev.leadpipe.router.RouterApp} runs it (in its own process via {@code main}, or in-process for ingest's
 * tests and the local run); {@link dev.leadpipe.router.RouterTopology#build} is the one definition of the topology.
 */
package dev.leadpipe.router;
