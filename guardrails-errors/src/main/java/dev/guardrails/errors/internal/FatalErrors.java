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
   * Returns whether a failure must leave the boundary as it came: a {@link VirtualMachineError}
   * other than a {@link StackOverflowError}. Cheap, so a boundary asks first and only builds the
   * description of what it was doing for the rare fatal failure.
   *
   * @param failure the failure a boundary caught
   * @return true if it is fatal
   */
  public static boolean isFatal(Throwable failure) {
    return failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError);
  }

  /**
   * Logs a fatal failure at ERROR where the JVM still can, and returns it for the caller to throw.
   *
   * @param fatal a failure for which {@link #isFatal} is true
   * @param logger where it is logged
   * @param where what the boundary was doing, e.g. {@code "handling GET /invoices (no response is
   *     sent)"}
   * @return the failure, to be thrown
   * @throws IllegalArgumentException if the failure is not fatal
   */
  public static VirtualMachineError logged(Throwable fatal, Logger logger, String where) {
    if (!isFatal(fatal)) {
      throw new IllegalArgumentException("not a fatal error: " + fatal.getClass().getName());
    }
    VirtualMachineError error = (VirtualMachineError) fatal;
    try {
      logger.error("fatal {} while {}; rethrown to the caller", error.getClass(), where, error);
    } catch (VirtualMachineError | RuntimeException loggingFailed) {
      // logging needs memory the JVM may not have: keep the trace with the error itself
      error.addSuppressed(loggingFailed);
    }
    return error;
  }
}
