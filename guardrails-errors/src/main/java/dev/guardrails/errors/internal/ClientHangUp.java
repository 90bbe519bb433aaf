package dev.guardrails.errors.internal;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Recognises a failure that only means the client went away while its response was being written (a
 * closed browser tab, a timed-out caller): Jetty's {@code EofException}, Tomcat's and Undertow's
 * {@code ClientAbortException}, or an {@link IOException} saying {@code "Broken pipe"} or {@code
 * "Connection reset by peer"}, anywhere in the cause chain. Such a failure is no bug and no
 * incident, and there is nobody left to answer. Classes are matched by simple name, so no container
 * is needed on the class path.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClientHangUp {

  private static final Set<String> CLASS_NAMES = Set.of("EofException", "ClientAbortException");
  private static final int MAX_CAUSES = 8;

  private ClientHangUp() {}

  /**
   * Returns whether the failure, or one of its first causes, is a client hang-up.
   *
   * @param failure the failure
   * @return true if it only means that the client went away
   */
  public static boolean is(Throwable failure) {
    Throwable current = failure;
    for (int i = 0; i < MAX_CAUSES && current != null; i++) {
      if (CLASS_NAMES.contains(current.getClass().getSimpleName())) {
        return true;
      }
      if (current instanceof IOException && isHangUpMessage(messageOf(current))) {
        return true;
      }
      Throwable cause = current.getCause();
      current = cause == current ? null : cause;
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
