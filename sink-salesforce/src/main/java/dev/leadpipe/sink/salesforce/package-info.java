/**
 * The salesforce destination: its client and its field mapping. Not built yet: the router already routes leads for
 * salesforce offers to their delivery topic ({@code deliveries.salesforce}), where they wait, unconsumed, for this sink.
 */
package dev.leadpipe.sink.salesforce;
