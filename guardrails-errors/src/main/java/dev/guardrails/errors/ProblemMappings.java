package dev.guardrails.errors;

import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Conflict;
import dev.guardrails.core.GuardrailException;
import dev.guardrails.core.InvalidInput;
import dev.guardrails.core.RateLimited;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.errors.spi.ProblemMapper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table from exception types to problems. The most specific mapped superclass of an exception
 * wins; wrappers ({@link CompletionException}, {@link ExecutionException}, {@link
 * InvocationTargetException}, {@link UndeclaredThrowableException} and any added with {@link
 * Builder#unwrap(Class)}) are looked through to their cause.
 *
 * <p>{@link #defaults()} maps core's exceptions by their code, status and public message ({@link
 * InvalidInput} with its field errors, {@link RateLimited} and {@link UpstreamUnavailable} with a
 * retry delay; {@link UpstreamUnavailable} and {@link BudgetExceeded} as {@link
 * FailureClass#UNAVAILABLE}), timeouts, refused connections, interrupts, rejected executions and
 * transient SQL errors of the JDK as {@link FailureClass#UNAVAILABLE} 503, and every other
 * exception as a {@link FailureClass#BUG} 500 with a generic message.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProblemMappings {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemMappings.class);
  private static final int MAX_UNWRAP = 8;

  static final ProblemTemplate INTERNAL_ERROR =
      ProblemTemplate.of(FailureClass.BUG, 500, "internal_error", "Internal error");
  static final ProblemTemplate UNAVAILABLE =
      ProblemTemplate.of(FailureClass.UNAVAILABLE, 503, "unavailable", "Service unavailable");

  private static final ProblemMappings DEFAULTS = new Builder().build();

  private final Map<Class<?>, ProblemMapper<Throwable>> mappers;
  private final Set<Class<?>> unwrapped;

  private ProblemMappings(Builder builder) {
    this.mappers = Map.copyOf(builder.mappers);
    this.unwrapped = Set.copyOf(builder.unwrapped);
  }

  /** {@return the default table: core's exceptions, transient JDK failures, and bugs} */
  public static ProblemMappings defaults() {
    return DEFAULTS;
  }

  /** {@return a builder that starts from the {@linkplain #defaults() default table}} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the template for a failure. Never throws for a broken mapper: a mapper that throws an
   * exception, an {@link AssertionError} or a {@link LinkageError} is logged and the failure maps
   * to a 500 bug.
   *
   * @param failure the exception
   * @return the template
   * @throws NullPointerException if the failure is null
   */
  public ProblemTemplate resolve(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    Throwable current = failure;
    try {
      for (int depth = 0; depth < MAX_UNWRAP && isWrapper(current); depth++) {
        Throwable cause = current.getCause();
        if (cause == null || cause == current) {
          break;
        }
        current = cause;
      }
      ProblemMapper<Throwable> mapper = find(current.getClass());
      if (mapper == null) {
        return INTERNAL_ERROR;
      }
      return Objects.requireNonNull(mapper.map(current), "a problem mapper returned null");
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // a mapper's bug (or a wrapper whose getCause throws) must not replace the failure
      LOG.error(
          "the problem mapper for {} threw; treating the failure as a bug",
          current.getClass().getName(),
          e);
      return INTERNAL_ERROR;
    }
  }

  private boolean isWrapper(Throwable t) {
    for (Class<?> type : unwrapped) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private @Nullable ProblemMapper<Throwable> find(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      ProblemMapper<Throwable> mapper = mappers.get(c);
      if (mapper != null) {
        return mapper;
      }
    }
    return null;
  }

  /** {@return the number of mapped exception types} */
  @Override
  public String toString() {
    return "ProblemMappings[" + mappers.size() + " types]";
  }

  static FailureClass classOf(int status) {
    if (status == 409) {
      return FailureClass.CONFLICT;
    }
    if (status == 502 || status == 503 || status == 504) {
      return FailureClass.UNAVAILABLE;
    }
    return status < 500 ? FailureClass.CLIENT_ERROR : FailureClass.BUG;
  }

  static String titleOf(int status) {
    return switch (status) {
      case 400 -> "Invalid request";
      case 401 -> "Authentication required";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 409 -> "Conflict";
      case 413 -> "Request too large";
      case 422 -> "Unprocessable request";
      case 429 -> "Too many requests";
      case 500 -> "Internal error";
      case 502 -> "Bad gateway";
      case 503 -> "Service unavailable";
      case 504 -> "Gateway timeout";
      default -> status < 500 ? "Request refused" : "Server error";
    };
  }

  private static ProblemTemplate fromGuardrail(GuardrailException e, FailureClass failureClass) {
    return ProblemTemplate.of(failureClass, e.status(), e.code(), titleOf(e.status()))
        .withDetail(e.publicMessage());
  }

  /**
   * Builds a {@link ProblemMappings}; starts from the defaults.
   *
   * <p>Not thread-safe; {@link #build()} copies, so later changes never affect a built table.
   */
  public static final class Builder {

    private final Map<Class<?>, ProblemMapper<Throwable>> mappers = new LinkedHashMap<>();
    private final Set<Class<?>> unwrapped = new LinkedHashSet<>();
    private final Set<Class<?>> mappedByUser = new HashSet<>();

    private Builder() {
      addDefaults();
    }

    private void addDefaults() {
      put(Throwable.class, e -> INTERNAL_ERROR);
      put(
          GuardrailException.class,
          e -> {
            GuardrailException g = (GuardrailException) e;
            return fromGuardrail(g, classOf(g.status()));
          });
      put(
          InvalidInput.class,
          e ->
              fromGuardrail((InvalidInput) e, FailureClass.CLIENT_ERROR)
                  .withFieldErrors(((InvalidInput) e).fieldErrors()));
      put(Conflict.class, e -> fromGuardrail((Conflict) e, FailureClass.CONFLICT));
      put(
          RateLimited.class,
          e ->
              fromGuardrail((RateLimited) e, FailureClass.CLIENT_ERROR)
                  .withRetryAfter(((RateLimited) e).retryAfter()));
      put(BudgetExceeded.class, e -> fromGuardrail((BudgetExceeded) e, FailureClass.UNAVAILABLE));
      put(
          UpstreamUnavailable.class,
          e -> {
            UpstreamUnavailable u = (UpstreamUnavailable) e;
            ProblemTemplate template = fromGuardrail(u, FailureClass.UNAVAILABLE);
            return u.retryAfter().map(template::withRetryAfter).orElse(template);
          });
      for (Class<?> transientType :
          new Class<?>[] {
            java.util.concurrent.TimeoutException.class,
            java.util.concurrent.RejectedExecutionException.class,
            InterruptedException.class,
            java.net.ConnectException.class,
            java.net.SocketTimeoutException.class,
            java.net.http.HttpTimeoutException.class,
            java.sql.SQLTransientException.class,
            java.sql.SQLRecoverableException.class
          }) {
        put(transientType, e -> UNAVAILABLE);
      }
      unwrapped.add(CompletionException.class);
      unwrapped.add(ExecutionException.class);
      unwrapped.add(InvocationTargetException.class);
      unwrapped.add(UndeclaredThrowableException.class);
    }

    @SuppressWarnings("unchecked")
    private void put(Class<?> type, ProblemMapper<? extends Throwable> mapper) {
      mappers.put(type, (ProblemMapper<Throwable>) mapper);
    }

    /**
     * Maps an exception type and its subtypes (unless a subtype is mapped too) with a mapper.
     * Replaces a default mapping of the same type.
     *
     * @param type the exception type
     * @param mapper turns an exception of the type into a template
     * @param <E> the exception type
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this builder already mapped the type
     */
    public <E extends Throwable> Builder map(Class<E> type, ProblemMapper<? super E> mapper) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(mapper, "mapper");
      if (!mappedByUser.add(type)) {
        throw new IllegalArgumentException(
            "exception type " + type.getName() + " is already mapped in this builder");
      }
      put(type, mapper);
      return this;
    }

    /**
     * Maps an exception type and its subtypes to a fixed template.
     *
     * @param type the exception type
     * @param template the template every such exception becomes
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this builder already mapped the type
     */
    public Builder map(Class<? extends Throwable> type, ProblemTemplate template) {
      Objects.requireNonNull(template, "template");
      return map(type, e -> template);
    }

    /**
     * Marks an exception type as a wrapper: an exception of the type with a cause is mapped by its
     * cause.
     *
     * @param type the wrapper type, e.g. a framework's {@code ServletException}
     * @return this builder
     * @throws NullPointerException if the type is null
     */
    public Builder unwrap(Class<? extends Throwable> type) {
      unwrapped.add(Objects.requireNonNull(type, "type"));
      return this;
    }

    /** {@return the table; this builder can still be changed without affecting it} */
    public ProblemMappings build() {
      return new ProblemMappings(this);
    }
  }
}
