package dev.guardrails.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.guardrails.core.NotFound;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny router: routes by method and path pattern ({@code /invoices/{id}}), a 404 problem for an
 * unknown path and a 405 problem with an {@code Allow} header for a known path with another method.
 * It runs inside {@link dev.guardrails.errors.http.ProblemHttpHandler}, so those refusals are
 * problems like every other failure.
 *
 * <p>Immutable once built; thread-safe.
 */
final class Routes implements HttpHandler {

  /** The work of one route. */
  @FunctionalInterface
  interface Endpoint {
    /**
     * Handles the request.
     *
     * @param request the request
     * @throws Exception on failure; the error boundary turns it into a problem
     */
    void handle(Request request) throws Exception;
  }

  private record Route(String method, Pattern pattern, Endpoint endpoint) {}

  private static final Pattern PARAM = Pattern.compile("\\{[a-zA-Z]+}");

  private final List<Route> routes = new ArrayList<>();

  /**
   * Adds a route.
   *
   * @param method the HTTP method
   * @param path the path, with {@code {name}} for a path segment parameter
   * @param endpoint the handler
   * @return this
   */
  Routes add(String method, String path, Endpoint endpoint) {
    String regex = PARAM.matcher(Pattern.quote(path)).replaceAll("\\\\E([^/]+)\\\\Q");
    routes.add(new Route(method, Pattern.compile(regex), endpoint));
    return this;
  }

  @Override
  public void handle(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Matcher matcher = route.pattern().matcher(path);
      if (!matcher.matches()) {
        continue;
      }
      if (!route.method().equals(method)) {
        allowed.add(route.method());
        continue;
      }
      List<String> params = new ArrayList<>();
      for (int i = 1; i <= matcher.groupCount(); i++) {
        params.add(matcher.group(i));
      }
      try {
        route.endpoint().handle(new Request(exchange, params));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("endpoint " + method + " " + path + " failed", e);
      }
      return;
    }
    if (!allowed.isEmpty()) {
      exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
      throw HttpProblem.methodNotAllowed(method);
    }
    throw new NotFound("route", path);
  }
}
