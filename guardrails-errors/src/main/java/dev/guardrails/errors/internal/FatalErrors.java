package dev.guardrails.errors.internal;

import org.slf4j.Logger;

/**
 * The one rule for errors a boundary must not swallow: a {@link VirtualMachineError} (out of
 * memory, an internal JVM error) leaves the boundary as it came, after a best-effort log line so it
 * is not silent. A {@link StackOverflowError} is the exception: by the time it reaches a boundary
 * the stack has unwound, and it is usually hostile input (deep nesting, runaway recursion) that
 * deserves a problem response and an incident like any other bug.
 *
 * <p>Stateless and thread-safe.
 */
public final class FatalErrors {

  private FatalErrors() {}

  /**
   * Rethrows the failure if it is fatal, after logging it at ERROR where the JVM still can; returns
   * normally otherwise.
   *
   * @param failure the failure a boundary caught
   * @param logger where the fatal error is logged
   * @param where what the boundary was doing, e.g. {@code "handling GET /invoices (no response is
   *     sent)"}
   */
  public static void rethrowIfFatal(Throwable failure, Logger logger, String where) {
    if (!(failure instanceof VirtualMachineError fatal) || failure instanceof StackOverflowError) {
      return;
    }
    try {
      logger.error("fatal {} while {}; rethrown to the caller", fatal.getClass(), where, fatal);
    } catch (VirtualMachineError | RuntimeException loggingFailed) {
      // logging needs memory the JVM may not have: keep the trace with the error itself
      fatal.addSuppressed(loggingFailed);
    }
    throw fatal;
  }
}
