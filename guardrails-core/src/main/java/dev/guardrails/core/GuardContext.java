package dev.guardrails.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The request (or job run) an action belongs to: who acts, under which correlation id, since when.
 *
 * <p>A context is bound to the current thread with {@link #open()}, which also writes the MDC keys
 * {@value #MDC_CORRELATION_ID}, {@value #MDC_ACTOR_ID} and {@value #MDC_TENANT_ID} so every log
 * line carries them:
 *
 * <pre>{@code
 * GuardContext context = GuardContext.start(actor, clock);
 * try (GuardContext.Scope scope = context.open()) {
 *   handle(request); // GuardContext.current() returns context here
 * }
 * }</pre>
 *
 * <p>A bound context does not follow work handed to another thread by itself: wrap the task with
 * {@link #wrap(Runnable)} (or its siblings) or submit it through {@link #propagating(Executor)}.
 *
 * <p>Immutable and thread-safe; equal when actor, correlation id and start instant are equal.
 */
public final class GuardContext {

  /** The MDC key that holds the correlation id while a context is bound. */
  public static final String MDC_CORRELATION_ID = "correlation_id";

  /** The MDC key that holds the actor's id while a context is bound. */
  public static final String MDC_ACTOR_ID = "actor_id";

  /** The MDC key that holds the actor's tenant id while a context is bound. */
  public static final String MDC_TENANT_ID = "tenant_id";

  private static final Logger LOG = LoggerFactory.getLogger(GuardContext.class);

  /**
   * The innermost open scope of each thread, absent when no scope is open. The open scopes of a
   * thread form a stack through {@link Scope#previous}; a scope is open exactly while it is on it.
   */
  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

  private final Actor actor;
  private final String correlationId;
  private final Instant startedAt;

  private GuardContext(Actor actor, String correlationId, Instant startedAt) {
    this.actor = Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(correlationId, "correlationId");
    if (!CorrelationIds.isValid(correlationId)) {
      throw new IllegalArgumentException(
          "correlation id must be 1 to "
              + CorrelationIds.MAX_LENGTH
              + " characters of [A-Za-z0-9._:-], but was "
              + Text.quote(correlationId));
    }
    this.correlationId = correlationId;
    this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
  }

  /**
   * Returns a context with the given parts, e.g. to continue a request whose correlation id came in
   * a header (see {@link CorrelationIds#fromHeaderOrNew}).
   *
   * @param actor who acts
   * @param correlationId the request's correlation id
   * @param startedAt when the request started
   * @return the context
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the correlation id is not {@linkplain
   *     CorrelationIds#isValid valid}
   */
  public static GuardContext of(Actor actor, String correlationId, Instant startedAt) {
    return new GuardContext(actor, correlationId, startedAt);
  }

  /**
   * Starts a new context now, with a new correlation id drawn from a shared {@link SecureRandom}.
   *
   * @param actor who acts
   * @param clock the clock that says when the context starts
   * @return the context, not yet bound to any thread
   * @throws NullPointerException if an argument is null
   */
  public static GuardContext start(Actor actor, Clock clock) {
    return start(actor, clock, DEFAULT_RANDOM);
  }

  /**
   * Starts a new context now, with a new correlation id drawn from the given generator.
   *
   * @param actor who acts
   * @param clock the clock that says when the context starts
   * @param random the source of the correlation id
   * @return the context, not yet bound to any thread
   * @throws NullPointerException if an argument is null
   */
  public static GuardContext start(Actor actor, Clock clock, RandomGenerator random) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(clock, "clock");
    return new GuardContext(actor, CorrelationIds.newId(random), clock.instant());
  }

  /**
   * Returns the context bound to the current thread.
   *
   * @return the innermost context opened on this thread and not yet closed
   * @throws IllegalStateException if no context is bound to this thread; the message says how to
   *     bind one
   */
  public static GuardContext current() {
    Scope scope = CURRENT.get();
    if (scope == null || scope.context == null) {
      throw new IllegalStateException(
          "no GuardContext is bound to thread "
              + Text.quote(Thread.currentThread().getName())
              + ": open one around the request with"
              + " `try (var scope = GuardContext.start(actor, clock).open())`, or wrap tasks handed"
              + " to other threads with GuardContext.wrap(...) or GuardContext.propagating(executor)");
    }
    return scope.context;
  }

  /** {@return the context bound to the current thread, or empty when none is} */
  public static Optional<GuardContext> currentIfBound() {
    Scope scope = CURRENT.get();
    return scope == null ? Optional.empty() : Optional.ofNullable(scope.context);
  }

  /**
   * Unbinds any context from the current thread until the returned scope is closed, and removes the
   * correlation id, actor id and tenant id from the MDC; closing the scope restores them. For code
   * that must not run under a context the thread may still hold, such as a server adapter that
   * resolves each request's context itself. Close it like any scope: in reverse order of opening,
   * on the same thread, with try-with-resources.
   *
   * @return the scope to close; its {@link Scope#context()} throws, as it binds none
   */
  public static Scope unbound() {
    return Scope.bind(null);
  }

  /**
   * Returns an executor that runs each task under the context bound to the thread that submits it.
   * The context (or its absence) is captured when {@link Executor#execute} is called; the worker
   * thread's own state is restored when the task ends. A task submitted while no context is bound
   * runs with none, even if the worker thread had one.
   *
   * @param delegate the executor that runs the tasks
   * @return the propagating executor; thread-safe if the delegate is
   * @throws NullPointerException if {@code delegate} is null
   */
  public static Executor propagating(Executor delegate) {
    return new PropagatingExecutor(delegate);
  }

  /** {@return who acts} */
  public Actor actor() {
    return actor;
  }

  /** {@return the correlation id, valid according to {@link CorrelationIds#isValid}} */
  public String correlationId() {
    return correlationId;
  }

  /** {@return when the request or job run started} */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Binds this context to the current thread until the returned scope is closed, and writes its
   * correlation id, actor id and tenant id into the MDC. Scopes nest: closing one restores the
   * context and the three MDC values that were there when it was opened. Close scopes in the
   * reverse order of opening, on the thread that opened them, with try-with-resources; see {@link
   * Scope#close()} for how scopes closed out of order are repaired.
   *
   * @return the scope to close
   */
  public Scope open() {
    return Scope.bind(this);
  }

  /**
   * Returns a task that runs {@code task} with this context bound, on whatever thread runs it, and
   * then restores that thread's previous context and MDC values, also when the task throws.
   *
   * @param task the task to wrap
   * @return the wrapped task
   * @throws NullPointerException if {@code task} is null
   */
  public Runnable wrap(Runnable task) {
    return bound(this, task);
  }

  /**
   * Returns a task that calls {@code task} with this context bound, on whatever thread calls it,
   * and then restores that thread's previous context and MDC values, also when the task throws.
   *
   * @param task the task to wrap
   * @param <T> the task's result type
   * @return the wrapped task
   * @throws NullPointerException if {@code task} is null
   */
  public <T> Callable<T> wrap(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      Scope scope = open();
      try {
        return task.call();
      } finally {
        scope.close();
      }
    };
  }

  /**
   * Returns a supplier that calls {@code supplier} with this context bound, on whatever thread
   * calls it, and then restores that thread's previous context and MDC values, also when it throws.
   * (Named apart from {@code wrap} so that a lambda is never ambiguous between a {@link Callable}
   * and a {@link Supplier}.)
   *
   * @param supplier the supplier to wrap
   * @param <T> the result type
   * @return the wrapped supplier
   * @throws NullPointerException if {@code supplier} is null
   */
  public <T> Supplier<T> wrapSupplier(Supplier<T> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    return () -> {
      Scope scope = open();
      try {
        return supplier.get();
      } finally {
        scope.close();
      }
    };
  }

  /** Wraps a task so that it runs with {@code context} bound, or with none when it is null. */
  static Runnable bound(@Nullable GuardContext context, Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      Scope scope = Scope.bind(context);
      try {
        task.run();
      } finally {
        scope.close();
      }
    };
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof GuardContext other
        && actor.equals(other.actor)
        && correlationId.equals(other.correlationId)
        && startedAt.equals(other.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(actor, correlationId, startedAt);
  }

  /** {@return the correlation id, the actor and the start instant} */
  @Override
  public String toString() {
    return "GuardContext[correlationId="
        + correlationId
        + " actor="
        + actor
        + " startedAt="
        + startedAt
        + "]";
  }

  /**
   * A context bound to a thread, from {@link GuardContext#open()} until {@link #close()}.
   *
   * <p>Confined to the thread that opened it: close it on that thread.
   */
  public static final class Scope implements AutoCloseable {

    private final @Nullable GuardContext context;
    private final @Nullable Scope previous;
    private final @Nullable String previousCorrelationId;
    private final @Nullable String previousActorId;
    private final @Nullable String previousTenantId;
    private final Thread owner;
    private boolean closed;

    private Scope(@Nullable GuardContext context, @Nullable Scope previous, Thread owner) {
      this.context = context;
      this.previous = previous;
      this.previousCorrelationId = MDC.get(MDC_CORRELATION_ID);
      this.previousActorId = MDC.get(MDC_ACTOR_ID);
      this.previousTenantId = MDC.get(MDC_TENANT_ID);
      this.owner = owner;
    }

    /** Binds {@code context}, or unbinds any context when it is null, until the scope closes. */
    static Scope bind(@Nullable GuardContext context) {
      Scope scope = new Scope(context, CURRENT.get(), Thread.currentThread());
      CURRENT.set(scope);
      if (context == null) {
        restoreMdc(MDC_CORRELATION_ID, null);
        restoreMdc(MDC_ACTOR_ID, null);
        restoreMdc(MDC_TENANT_ID, null);
      } else {
        MDC.put(MDC_CORRELATION_ID, context.correlationId);
        MDC.put(MDC_ACTOR_ID, context.actor.id());
        MDC.put(MDC_TENANT_ID, context.actor.tenantId());
      }
      return scope;
    }

    /**
     * Returns the context this scope binds.
     *
     * @return the context that {@link GuardContext#open()} was called on
     * @throws IllegalStateException never for a scope returned by {@link GuardContext#open()}; only
     *     for a scope that binds no context ({@link GuardContext#unbound()}, or the internal scopes
     *     that run a task with no context bound)
     */
    public GuardContext context() {
      if (context == null) {
        throw new IllegalStateException("this scope binds no GuardContext");
      }
      return context;
    }

    /**
     * Ends this scope: restores the context and the three MDC values that were bound when it was
     * opened (removing MDC keys that were absent then). Closing a closed scope does nothing.
     *
     * <p>The scopes of a thread form a stack: opening a scope pushes it, and a scope is open
     * exactly while it is on the stack. Closing repairs scopes that were not closed in order
     * (logging a warning), by this rule:
     *
     * <ul>
     *   <li>Closing the innermost open scope pops it and restores what was bound before it.
     *   <li>Closing a scope while scopes opened after it are still open (they leaked) ends those
     *       inner scopes with it, so they cannot outlive the request, and restores what was bound
     *       before this scope.
     *   <li>Closing a scope that was already ended that way, later, does nothing at all: what was
     *       bound before it is stale by then, and scopes opened since must stay bound. A context
     *       that was unbound is therefore never bound again by a late close.
     * </ul>
     *
     * <p>So at any moment the thread's context and MDC values are those of the innermost open
     * scope, or those from before the outermost scope when none is open.
     *
     * @throws IllegalStateException if called on a thread other than the one that opened the scope;
     *     the scope stays open and neither thread's state changes
     */
    @Override
    public void close() {
      Thread thread = Thread.currentThread();
      if (thread != owner) {
        throw new IllegalStateException(
            "a GuardContext scope must be closed on the thread that opened it, "
                + Text.quote(owner.getName())
                + ", but was closed on "
                + Text.quote(thread.getName()));
      }
      if (closed) {
        return;
      }
      Scope innermost = CURRENT.get();
      if (innermost != this) {
        int leaked = endInnerScopes(innermost);
        if (leaked < 0) {
          // not on the stack: cannot happen, as every scope taken off the stack is marked closed
          closed = true;
          return;
        }
        LOG.warn(
            "GuardContext scopes closed out of order on thread {}: {} inner scope(s) were still"
                + " open and end with their outer scope; close the innermost scope first, with"
                + " try-with-resources",
            Text.quote(thread.getName()),
            leaked);
      }
      closed = true;
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
      restoreMdc(MDC_CORRELATION_ID, previousCorrelationId);
      restoreMdc(MDC_ACTOR_ID, previousActorId);
      restoreMdc(MDC_TENANT_ID, previousTenantId);
    }

    /**
     * Marks closed every scope above this one on the stack that starts at {@code innermost}.
     *
     * @return how many scopes were marked, or -1 (marking none) if this scope is not on that stack
     */
    private int endInnerScopes(@Nullable Scope innermost) {
      int depth = 0;
      Scope scope = innermost;
      while (scope != null && scope != this) {
        depth++;
        scope = scope.previous;
      }
      if (scope == null) {
        return -1;
      }
      for (Scope inner = innermost; inner != null && inner != this; inner = inner.previous) {
        inner.closed = true;
      }
      return depth;
    }

    private static void restoreMdc(String key, @Nullable String value) {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    }

    /** {@return whether the scope is open and which correlation id it binds} */
    @Override
    public String toString() {
      return "GuardContext.Scope["
          + (closed ? "closed" : "open")
          + " correlationId="
          + (context == null ? "none" : context.correlationId)
          + "]";
    }
  }

  /** Runs each task under the context of the thread that submitted it. */
  private static final class PropagatingExecutor implements Executor {

    private final Executor delegate;

    PropagatingExecutor(Executor delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void execute(Runnable command) {
      delegate.execute(bound(currentIfBound().orElse(null), command));
    }

    @Override
    public String toString() {
      return "GuardContext.propagating(" + delegate + ")";
    }
  }
}
