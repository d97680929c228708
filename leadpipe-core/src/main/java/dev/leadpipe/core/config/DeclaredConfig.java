package dev.leadpipe.core.config;

/**
 * A service's configuration record built from a {@link Declaration} of its settings. Copies with a setting changed
 * come from that declaration, so every config gets them the same way.
 *
 * @param <R> the record itself
 */
public interface DeclaredConfig<R extends Record & DeclaredConfig<R>> {

    /** The declaration this record's settings come from. */
    Declaration<R> declaration();

    /** A copy with one setting changed, such as {@code with(RouterConfig.STATE_DIR, dir)}, checked as at start-up. */
    @SuppressWarnings("unchecked")
    default <T> R with(Setting<T> setting, T value) {
        return declaration().with((R) this, setting, value);
    }
}
