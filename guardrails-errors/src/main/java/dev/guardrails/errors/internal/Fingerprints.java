package dev.guardrails.errors.internal;

import dev.guardrails.core.GuardrailException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Fingerprints of failures: the exception type (after unwrapping wrappers), its code for a core
 * exception, and the top frames of application code as {@code Class.method} (line numbers left out
 * so that a fingerprint survives unrelated edits). Messages are never part of a fingerprint: they
 * carry ids that differ between identical failures.
 *
 * <p>Immutable and thread-safe.
 */
public final class Fingerprints {

  /** How many frames of application code go into a fingerprint. */
  public static final int TOP_FRAMES = 3;

  private static final String[] LIBRARY_PREFIXES = {
    "java.",
    "javax.",
    "jdk.",
    "sun.",
    "com.sun.",
    "jakarta.",
    "org.slf4j.",
    "ch.qos.logback.",
    "com.fasterxml.jackson.",
    "dev.guardrails.core.",
    "dev.guardrails.errors.internal.",
    "dev.guardrails.errors.ErrorBoundary",
    "dev.guardrails.errors.jobs.JobSupervisor",
    "org.junit.",
    "org.eclipse.jetty.",
    "org.springframework.",
    "io.netty.",
    "kotlin.",
    "scala."
  };

  private final List<String> applicationPackages;

  /**
   * Creates a fingerprinter.
   *
   * @param applicationPackages package prefixes of application code; when empty, every frame
   *     outside the JDK and well-known libraries counts as application code
   */
  public Fingerprints(List<String> applicationPackages) {
    this.applicationPackages = List.copyOf(applicationPackages);
  }

  /** The parts of a failure that identify it. */
  public record Parts(String fingerprint, String exceptionType, List<String> frames) {}

  /**
   * Fingerprints a failure.
   *
   * @param failure the failure
   * @return its fingerprint, type and top frames
   */
  public Parts of(Throwable failure) {
    Throwable t = unwrap(failure);
    List<String> frames = topFrames(t);
    String type = t.getClass().getName();
    StringBuilder key = new StringBuilder(type);
    if (t instanceof GuardrailException g) {
      key.append('|').append(g.code());
    }
    for (String frame : frames) {
      key.append('|').append(frame);
    }
    return new Parts(hash(key.toString()), type, frames);
  }

  /**
   * Fingerprints an alert without an exception.
   *
   * @param source what raised it
   * @param key what identifies it within the source
   * @return the fingerprint
   */
  public static String of(String source, String key) {
    return hash(source + "|" + key);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    for (int i = 0; i < 8; i++) {
      Throwable cause = t.getCause();
      boolean wrapper =
          t instanceof CompletionException
              || t instanceof ExecutionException
              || t instanceof InvocationTargetException
              || t instanceof UndeclaredThrowableException;
      if (!wrapper || cause == null || cause == t) {
        break;
      }
      t = cause;
    }
    return t;
  }

  private List<String> topFrames(Throwable t) {
    StackTraceElement[] stack = t.getStackTrace();
    List<String> ours = new ArrayList<>(TOP_FRAMES);
    for (StackTraceElement frame : stack) {
      if (isApplication(frame.getClassName())) {
        ours.add(frame.getClassName() + "." + frame.getMethodName());
        if (ours.size() == TOP_FRAMES) {
          break;
        }
      }
    }
    if (ours.isEmpty()) {
      for (int i = 0; i < stack.length && i < TOP_FRAMES; i++) {
        ours.add(stack[i].getClassName() + "." + stack[i].getMethodName());
      }
    }
    return ours;
  }

  private boolean isApplication(String className) {
    if (!applicationPackages.isEmpty()) {
      for (String prefix : applicationPackages) {
        if (className.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
    for (String prefix : LIBRARY_PREFIXES) {
      if (className.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

  private static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256, but this one does not", e);
    }
  }
}
