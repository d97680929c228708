/**
 * The table destination: its client and its field mapping. Not built yet: the router already routes leads for
 * table offers to their delivery topic ({@code deliveries.table}), where they wait, unconsumed, for this sink.
 */
package dev.leadpipe.sink.table;
