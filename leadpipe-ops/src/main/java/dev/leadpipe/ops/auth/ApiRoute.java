package dev.leadpipe.ops.auth;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/** One route of a service's {@link RouteTable}: method, path, its {@link Access} rule and its handler, together. */
public record ApiRoute(HandlerType method, String path, Access access, Handler handler) {
    public static ApiRoute get(String path, Access access, Handler handler) {
        return new ApiRoute(HandlerType.GET, path, access, handler);
    }

    public static ApiRoute post(String path, Access access, Handler handler) {
        return new ApiRoute(HandlerType.POST, path, access, handler);
    }

    public static ApiRoute put(String path, Access access, Handler handler) {
        return new ApiRoute(HandlerType.PUT, path, access, handler);
    }

    public static ApiRoute delete(String path, Access access, Handler handler) {
        return new ApiRoute(HandlerType.DELETE, path, access, handler);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
