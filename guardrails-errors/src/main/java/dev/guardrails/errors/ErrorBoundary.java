package dev.guardrails.errors;

import dev.guardrails.core.CorrelationIds;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.FieldError;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.GuardrailException;
import dev.guardrails.core.Severity;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import dev.guardrails.errors.internal.FatalErrors;
import dev.guardrails.errors.internal.IncidentIds;
import dev.guardrails.errors.internal.SafeText;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * A boundary around a unit of work (a request handler, a job step): results pass through untouched;
 * a failure is classified by the {@link ProblemMappings}, logged exactly once at the level of its
 * {@link FailureClass} (INFO for client errors and conflicts, WARN when unavailable, ERROR for
 * bugs) with the bound {@link GuardContext} and the incident id in the MDC and the full cause,
 * alerted (unavailable and bugs, by default), and turned into an RFC 9457 {@link Problem} with an
 * incident id and the correlation id.
 *
 * <p>Nothing internal reaches the problem: core's exceptions contribute their public message, a
 * mapper's detail is kept only if it does not look internal (no class name, stack frame, path, SQL,
 * token or secret), and everything else gets a generic message with the incident id.
 *
 * <pre>{@code
 * ErrorBoundary boundary = ErrorBoundary.builder().alerts(pipeline).build();
 * try {
 *   Invoice invoice = boundary.call(() -> invoices.create(request));
 * } catch (ProblemException e) {
 *   respond(e.problem()); // already logged and alerted
 * }
 * }</pre>
 *
 * <p>The success path costs one try block: no allocation and no context lookup. Thread-safe.
 */
public final class ErrorBoundary {

  private static final String DEFAULT_TYPE_BASE = "urn:guardrails:problem:";

  private final Clock clock;
  private final RandomGenerator random;
  private final ProblemMappings mappings;
  private final @Nullable AlertPipeline alerts;
  private final Set<FailureClass> alertOn;
  private final EventSink events;
  private final String typeBase;
  private final Logger logger;

  private ErrorBoundary(Builder b) {
    this.clock = b.clock;
    this.random = b.random;
    this.mappings = b.mappings;
    this.alerts = b.alerts;
    this.alertOn = Set.copyOf(b.alertOn);
    this.events = b.events;
    this.typeBase = b.typeBase;
    this.logger = LoggerFactory.getLogger(b.loggerName);
  }

  /** {@return a boundary with the defaults: see {@link Builder}} */
  public static ErrorBoundary ofDefaults() {
    return builder().build();
  }

  /** {@return a builder with production defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the work and returns its result; a failure is handled (see the class description) and
   * thrown as a {@link ProblemException}. A {@link ProblemException} from a nested boundary passes
   * through as is; a {@link VirtualMachineError} other than {@link StackOverflowError} is logged
   * and rethrown untouched.
   *
   * @param work the unit of work
   * @param <T> the result type
   * @return the work's result
   * @throws ProblemException if the work failed
   */
  public <T> T call(Work<T> work) {
    try {
      return work.call();
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /**
   * Runs the task; a failure is handled (see the class description) and thrown as a {@link
   * ProblemException}.
   *
   * @param task the unit of work
   * @throws ProblemException if the task failed
   */
  public void run(Task task) {
    try {
      task.run();
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  private ProblemException failed(Throwable t) {
    if (t instanceof ProblemException handled) {
      return handled;
    }
    if (FatalErrors.isFatal(t)) {
      throw FatalErrors.logged(t, logger, "running work in the error boundary");
    }
    return new ProblemException(handle(t));
  }

  /**
   * Handles a failure caught elsewhere (by a framework adapter): classifies, logs once, alerts and
   * returns the problem. A {@link ProblemException} returns its failure without logging it again.
   * An {@link InterruptedException} re-asserts the thread's interrupt flag. A broken mapper, an
   * exception that throws while being logged, or a failing alert pipeline or event sink never
   * replaces the failure: the problem is still returned.
   *
   * @param failure the exception
   * @return the handled failure
   * @throws NullPointerException if the failure is null
   */
  public Failure handle(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    if (failure instanceof ProblemException handled) {
      return handled.failure();
    }
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    ProblemTemplate template = mappings.resolve(failure);
    FailureClass failureClass = template.failureClass();
    String incidentId = IncidentIds.next(random);
    Optional<GuardContext> context = GuardContext.currentIfBound();
    String correlationId =
        context.map(GuardContext::correlationId).orElseGet(ErrorBoundary::mdcCorrelationId);
    Duration retryAfter = template.retryAfter();
    Problem problem =
        new Problem(
            typeBase + template.code(),
            template.title(),
            template.status(),
            detail(template, incidentId),
            null,
            template.code(),
            incidentId,
            correlationId,
            retryAfter == null ? null : ceilSeconds(retryAfter),
            invalidFields(template.fieldErrors()));
    log(failureClass, problem, failure);
    AlertPipeline pipeline = alerts;
    boolean alert = false;
    if (pipeline != null && alertOn.contains(failureClass)) {
      Severity severity = failureClass == FailureClass.BUG ? Severity.ERROR : Severity.WARN;
      try {
        pipeline.raise(
            failure, severity, AlertPipeline.BOUNDARY_COMPONENT, incidentId, correlationId);
        alert = true;
      } catch (RuntimeException | LinkageError | AssertionError e) {
        logger.warn("incident {}: the alert pipeline failed to take the failure", incidentId, e);
      }
    }
    if (failureClass == FailureClass.BUG || failureClass == FailureClass.UNAVAILABLE) {
      publish(problem, context.orElse(null));
    }
    return new Failure(problem, failureClass, failure, alert);
  }

  /** {@return the mapping table this boundary classifies with} */
  public ProblemMappings mappings() {
    return mappings;
  }

  private void publish(Problem problem, @Nullable GuardContext context) {
    try {
      events.publish(
          new FailureEvent(
              EventContext.of(clock.instant(), context),
              AlertPipeline.BOUNDARY_COMPONENT,
              problem.code(),
              problem.detail(),
              Optional.ofNullable(problem.incidentId())));
    } catch (RuntimeException | LinkageError | AssertionError e) {
      logger.warn("event sink '{}' failed to take a failure event", events.name(), e);
    }
  }

  private void log(FailureClass failureClass, Problem problem, Throwable failure) {
    Level level =
        switch (failureClass) {
          case CLIENT_ERROR, CONFLICT -> Level.INFO;
          case UNAVAILABLE -> Level.WARN;
          case BUG -> Level.ERROR;
        };
    String previous = MDC.get(AlertSinks.MDC_INCIDENT_ID);
    MDC.put(AlertSinks.MDC_INCIDENT_ID, Objects.requireNonNull(problem.incidentId()));
    String kind = failureClass.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    try {
      logger
          .atLevel(level)
          .setCause(failure)
          .log(
              "{} {} incident={} status={} code={}: {}",
              kind,
              failure.getClass().getName(),
              problem.incidentId(),
              problem.status(),
              problem.code(),
              describe(failure));
    } catch (RuntimeException | LinkageError | AssertionError broken) {
      // the exception broke while being rendered (a getMessage or getStackTrace that throws):
      // log the incident once without it, with what broke as the cause
      logger
          .atLevel(level)
          .setCause(broken)
          .log(
              "{} {} incident={} status={} code={}: (the exception threw while being logged)",
              kind,
              failure.getClass().getName(),
              problem.incidentId(),
              problem.status(),
              problem.code());
    } finally {
      if (previous == null) {
        MDC.remove(AlertSinks.MDC_INCIDENT_ID);
      } else {
        MDC.put(AlertSinks.MDC_INCIDENT_ID, previous);
      }
    }
  }

  private static String describe(Throwable failure) {
    if (failure instanceof GuardrailException g) {
      return g.logMessage();
    }
    String message = failure.getMessage();
    return message == null ? "(no message)" : oneLine(message);
  }

  private static String oneLine(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 2_000));
    for (int i = 0; i < text.length() && out.length() < 2_000; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static @Nullable String mdcCorrelationId() {
    String id = MDC.get(GuardContext.MDC_CORRELATION_ID);
    return id != null && CorrelationIds.isValid(id) ? id : null;
  }

  private static String detail(ProblemTemplate template, String incidentId) {
    String detail = template.detail();
    if (detail != null && SafeText.isSafeForUsers(detail)) {
      return detail;
    }
    int invalid = template.fieldErrors().size();
    if (invalid > 0) {
      return invalid == 1
          ? "1 field is invalid; see errors."
          : invalid + " fields are invalid; see errors.";
    }
    return switch (template.failureClass()) {
      case CLIENT_ERROR ->
          "The request could not be processed. Reference: incident " + incidentId + ".";
      case CONFLICT -> "The request conflicts with the current state; reload and try again.";
      case UNAVAILABLE ->
          "The service is temporarily unavailable; please try again later. Reference: incident "
              + incidentId
              + ".";
      case BUG ->
          "An unexpected error occurred. If it persists, contact support and quote incident "
              + incidentId
              + ".";
    };
  }

  private static long ceilSeconds(Duration d) {
    long seconds = d.getSeconds();
    return d.getNano() > 0 ? seconds + 1 : seconds;
  }

  private static List<Problem.InvalidField> invalidFields(List<FieldError> errors) {
    if (errors.isEmpty()) {
      return List.of();
    }
    List<Problem.InvalidField> fields = new ArrayList<>(errors.size());
    for (FieldError error : errors) {
      String detail = SafeText.isSafeForUsers(error.problem()) ? error.problem() : "is invalid";
      fields.add(new Problem.InvalidField(error.path(), pointer(error.path()), detail));
    }
    return fields;
  }

  /**
   * Turns {@code items[2].amount} into {@code #/items/2/amount} (RFC 6901 escaping); a quoted name
   * such as {@code $['first name']}, as the strict reader writes a name that is not an identifier,
   * is one segment.
   */
  static String pointer(String path) {
    if (path.equals("$") || path.isEmpty()) {
      return "#";
    }
    StringBuilder out = new StringBuilder("#");
    StringBuilder segment = new StringBuilder();
    int i = path.startsWith("$") ? 1 : 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (path.startsWith("['", i)) {
        flush(out, segment);
        int close = path.indexOf("']", i + 2);
        int end = close < 0 ? path.length() : close;
        for (int k = i + 2; k < end; k++) {
          char q = path.charAt(k);
          if (q == '\\' && k + 1 < end) {
            q = path.charAt(++k);
          }
          segment.append(q);
        }
        appendSegment(out, segment);
        segment.setLength(0);
        i = close < 0 ? end : close + 2;
      } else {
        if (c == '.' || c == '[' || c == ']') {
          flush(out, segment);
        } else {
          segment.append(c);
        }
        i++;
      }
    }
    flush(out, segment);
    return out.toString();
  }

  private static void flush(StringBuilder out, StringBuilder segment) {
    if (segment.length() > 0) {
      appendSegment(out, segment);
      segment.setLength(0);
    }
  }

  private static void appendSegment(StringBuilder out, CharSequence segment) {
    out.append('/');
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '~') {
        out.append("~0");
      } else if (c == '/') {
        out.append("~1");
      } else if (c == '#' || c == '%' || c == ' ' || c == '"' || Character.isISOControl(c)) {
        out.append(String.format("%%%02X", (int) c));
      } else {
        out.append(c);
      }
    }
  }

  /** {@return the type base and the mapping table} */
  @Override
  public String toString() {
    return "ErrorBoundary[" + typeBase + ", " + mappings + ", alerts on " + alertOn + "]";
  }

  /**
   * A unit of work that returns a result and may throw anything.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface Work<T> {
    /**
     * Does the work.
     *
     * @return the result
     * @throws Exception on failure
     */
    T call() throws Exception;
  }

  /** A unit of work without a result that may throw anything. */
  @FunctionalInterface
  public interface Task {
    /**
     * Does the work.
     *
     * @throws Exception on failure
     */
    void run() throws Exception;
  }

  /**
   * Builds an {@link ErrorBoundary}. Defaults: the system UTC clock, a {@link SecureRandom} for
   * incident ids, {@link ProblemMappings#defaults()}, no alert pipeline, alerts on {@link
   * FailureClass#UNAVAILABLE} and {@link FailureClass#BUG}, no event sink, problem types {@code
   * urn:guardrails:problem:<code>}, the logger {@code dev.guardrails.errors.ErrorBoundary}.
   *
   * <p>Not thread-safe; {@link #build()} copies, so later changes never affect a built boundary.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new SecureRandom();
    private ProblemMappings mappings = ProblemMappings.defaults();
    private @Nullable AlertPipeline alerts;
    private Set<FailureClass> alertOn = EnumSet.of(FailureClass.UNAVAILABLE, FailureClass.BUG);
    private EventSink events = EventSink.noop();
    private String typeBase = DEFAULT_TYPE_BASE;
    private String loggerName = ErrorBoundary.class.getName();

    private Builder() {}

    /**
     * Sets the clock for event times.
     *
     * @param value the clock
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the random source of incident ids.
     *
     * @param value the random source; must be thread-safe
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder random(RandomGenerator value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    /**
     * Sets the mapping table.
     *
     * @param value the table
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder mappings(ProblemMappings value) {
      this.mappings = Objects.requireNonNull(value, "mappings");
      return this;
    }

    /**
     * Sets the alert pipeline that failures of the alerting classes go to.
     *
     * @param value the pipeline
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder alerts(AlertPipeline value) {
      this.alerts = Objects.requireNonNull(value, "alerts");
      return this;
    }

    /**
     * Sets which failure classes raise an alert; at least one.
     *
     * @param first a class that alerts
     * @param more further classes that alert
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder alertOn(FailureClass first, FailureClass... more) {
      this.alertOn = EnumSet.of(Objects.requireNonNull(first, "first"), more);
      return this;
    }

    /**
     * Sets the event sink that receives a {@link FailureEvent} for every bug and unavailability.
     *
     * @param value the sink
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder events(EventSink value) {
      this.events = Objects.requireNonNull(value, "events");
      return this;
    }

    /**
     * Sets the prefix of problem type URIs, to which the problem code is appended, e.g. {@code
     * "https://errors.example.com/"}.
     *
     * @param value the prefix
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is blank or contains whitespace
     */
    public Builder problemTypeBase(String value) {
      Objects.requireNonNull(value, "problemTypeBase");
      if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "problem type base must be a URI prefix without whitespace, but was '" + value + "'");
      }
      this.typeBase = value;
      return this;
    }

    /**
     * Sets the name of the logger failures are logged to.
     *
     * @param value the logger name
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is blank
     */
    public Builder loggerName(String value) {
      Objects.requireNonNull(value, "loggerName");
      if (value.isBlank()) {
        throw new IllegalArgumentException(
            "logger name must not be blank, but was '" + value + "'");
      }
      this.loggerName = value;
      return this;
    }

    /** {@return the boundary; this builder can still be changed without affecting it} */
    public ErrorBoundary build() {
      return new ErrorBoundary(this);
    }
  }
}
