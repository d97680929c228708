/**
 * The dynamics destination: its client and its field mapping. Not built yet: the router already routes leads for
 * dynamics offers to their delivery topic ({@code deliveries.dynamics}), where they wait, unconsumed, for this sink.
 */
package dev.leadpipe.sink.dynamics;
