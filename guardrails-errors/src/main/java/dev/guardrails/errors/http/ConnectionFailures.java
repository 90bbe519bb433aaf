package dev.guardrails.errors.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The exceptions the client's connection threw at the handler of one exchange: its request body
 * while read, its response body while written. Only these can be taken for a client that went away
 * (see {@link dev.guardrails.errors.internal.ClientHangUp}); the same message from any other socket
 * (a database, an upstream service) is a server-side failure.
 *
 * <p>Not thread-safe; used by the thread that handles the exchange.
 */
final class ConnectionFailures {

  private static final int MAX_RECORDED = 4;

  private final List<IOException> thrown = new ArrayList<>(1);

  /**
   * Records an exception the connection threw.
   *
   * @param e the exception
   * @return the same exception, to be rethrown
   */
  IOException record(IOException e) {
    if (thrown.size() < MAX_RECORDED) {
      thrown.add(e);
    }
    return e;
  }

  /**
   * Returns whether the connection threw this very exception.
   *
   * @param t an exception
   * @return true if it is one the connection threw (compared by identity)
   */
  boolean threw(Throwable t) {
    for (IOException e : thrown) {
      if (e == t) {
        return true;
      }
    }
    return false;
  }
}
