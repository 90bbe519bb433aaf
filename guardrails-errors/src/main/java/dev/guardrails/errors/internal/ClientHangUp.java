package dev.guardrails.errors.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Recognises a failure that only means the client went away while its request was read or its
 * response was written (a closed browser tab, a timed-out caller). The rule is narrow on purpose,
 * because a failure taken for a hang-up is logged at INFO and raises no incident: a real
 * server-side failure taken for one would be a silent error path.
 *
 * <ul>
 *   <li>Only the failure the handler threw is looked at, after unwrapping {@link
 *       UncheckedIOException}s (and, in the servlet adapter, {@code ServletException}s). The causes
 *       of any other exception are never looked at: a {@code SQLException} caused by a database
 *       socket's {@code "Connection reset by peer"} is a server-side failure.
 *   <li>A container's own exception for the client's connection counts: Jetty's {@code
 *       EofException}, Tomcat's and Undertow's {@code ClientAbortException}. Classes are matched by
 *       simple name (of the class or a superclass), so no container is needed on the class path.
 *   <li>An {@link IOException} saying {@code "Broken pipe"} or {@code "Connection reset by peer"}
 *       counts only when the adapter saw that very exception thrown by the client's connection (its
 *       request body or response body stream). The same message from a call to a database or an
 *       upstream service is a server-side failure.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ClientHangUp {

  private static final Set<String> CLASS_NAMES = Set.of("EofException", "ClientAbortException");
  private static final int MAX_WRAPPERS = 8;

  private ClientHangUp() {}

  /**
   * Returns whether the failure only means that the client went away.
   *
   * @param failure the failure the handler threw, with the adapter's own wrappers removed
   * @param fromClientConnection whether an exception was thrown by the client's connection (the
   *     request or response body stream the adapter handed to the handler)
   * @return true if it only means that the client went away
   */
  public static boolean is(Throwable failure, Predicate<Throwable> fromClientConnection) {
    Throwable current = failure;
    for (int i = 0; i < MAX_WRAPPERS; i++) {
      if (!(current instanceof UncheckedIOException)) {
        break;
      }
      Throwable cause = current.getCause();
      if (cause == null || cause == current) {
        break;
      }
      current = cause;
    }
    if (isContainerHangUp(current.getClass())) {
      return true;
    }
    return current instanceof IOException
        && isHangUpMessage(messageOf(current))
        && fromClientConnection.test(current);
  }

  private static boolean isContainerHangUp(Class<?> type) {
    for (Class<?> c = type; c != null && c != Throwable.class; c = c.getSuperclass()) {
      if (CLASS_NAMES.contains(c.getSimpleName())) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable String messageOf(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException broken) {
      // an exception whose message cannot be read is not recognised as a hang-up
      return broken.getClass().getName();
    }
  }

  private static boolean isHangUpMessage(@Nullable String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("broken pipe") || m.contains("connection reset by peer");
  }
}
