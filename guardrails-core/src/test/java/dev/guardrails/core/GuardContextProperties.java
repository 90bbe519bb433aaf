package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.slf4j.MDC;

final class GuardContextProperties {

  private static final ExecutorService WORKER = Executors.newSingleThreadExecutor();
  private static final int POOL_SIZE = 4;
  private static final ExecutorService POOL = Executors.newFixedThreadPool(POOL_SIZE);

  /** Everything a scope may touch on a thread: the bound context and the whole MDC. */
  private record ThreadState(Optional<GuardContext> context, Map<String, String> mdc) {
    static ThreadState take() {
      Map<String, String> mdc = MDC.getCopyOfContextMap();
      return new ThreadState(
          GuardContext.currentIfBound(), mdc == null ? Map.of() : Map.copyOf(mdc));
    }
  }

  /** How a task crosses to the worker thread. */
  enum Crossing {
    WRAP_RUNNABLE,
    WRAP_CALLABLE,
    WRAP_SUPPLIER,
    PROPAGATING
  }

  private static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom(int depth) {
      super("boom at depth " + depth);
    }
  }

  @BeforeTry
  void cleanThread() {
    MDC.clear();
    assertThat(GuardContext.currentIfBound()).isEmpty();
  }

  @AfterTry
  void leaveThreadClean() {
    assertThat(GuardContext.currentIfBound()).isEmpty();
    MDC.clear();
  }

  @AfterContainer
  static void shutdown() throws InterruptedException {
    WORKER.shutdownNow();
    POOL.shutdownNow();
    assertThat(WORKER.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(POOL.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Property(tries = 300)
  void open_nestedScopes_restoreEveryLevelEvenWhenBodyThrows(
      @ForAll @Size(min = 1, max = 8) List<@From("actors") Actor> actors,
      @ForAll @IntRange(min = -1, max = 8) int throwAtDepth,
      @ForAll("mdcValues") Map<String, String> initialMdc,
      @ForAll boolean outerContextBound) {
    initialMdc.forEach(MDC::put);
    GuardContext.Scope outer =
        outerContextBound ? GuardContext.of(Fixtures.BILLING, "outer", NOW).open() : null;
    ThreadState before = ThreadState.take();

    if (throwAtDepth >= 0 && throwAtDepth < actors.size()) {
      assertThatThrownBy(() -> openNested(actors, 0, throwAtDepth)).isInstanceOf(Boom.class);
    } else {
      openNested(actors, 0, throwAtDepth);
    }

    assertThat(ThreadState.take()).isEqualTo(before);
    if (outer != null) {
      outer.close();
    }
    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.getCopyOfContextMap()).isEqualTo(initialMdc);
  }

  private static void openNested(List<Actor> actors, int depth, int throwAtDepth) {
    if (depth == actors.size()) {
      return;
    }
    ThreadState before = ThreadState.take();
    GuardContext context = GuardContext.of(actors.get(depth), "corr-" + depth, NOW);
    try {
      try (GuardContext.Scope scope = context.open()) {
        assertThat(GuardContext.current()).isSameAs(scope.context());
        assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("corr-" + depth);
        assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isEqualTo(context.actor().id());
        assertThat(MDC.get(GuardContext.MDC_TENANT_ID)).isEqualTo(context.actor().tenantId());
        if (depth == throwAtDepth) {
          throw new Boom(depth);
        }
        openNested(actors, depth + 1, throwAtDepth);
      }
    } finally {
      assertThat(ThreadState.take()).isEqualTo(before);
    }
  }

  /** What one step of a random scope history does on the test thread. */
  enum StepKind {
    OPEN,
    OPEN_UNBOUND,
    CLOSE,
    CLOSE_ON_OTHER_THREAD
  }

  /** One step; {@code index} picks the actor to open or the scope (open or not) to close. */
  record Step(StepKind kind, int index) {}

  private static final List<Actor> STEP_ACTORS =
      List.of(Fixtures.ALICE, Fixtures.BILLING, Actor.job("nightly", "tenant-2"));

  /**
   * Whatever the order scopes are opened and closed in (closing an outer scope before an inner one,
   * closing a leaked scope late after others were opened, closing twice, trying to close on another
   * thread), the thread's context and its MDC values are those of the innermost scope still open,
   * where a scope is still open until it or a scope opened before it is closed; and a scope reports
   * itself closed exactly then.
   */
  @Property(tries = 500)
  void close_anyOrder_threadStateFollowsInnermostOpenScope(
      @ForAll("steps") List<Step> steps, @ForAll("mdcValues") Map<String, String> initialMdc)
      throws Exception {
    initialMdc.forEach(MDC::put);
    List<GuardContext.Scope> scopes = new ArrayList<>();
    List<Optional<GuardContext>> bound = new ArrayList<>();
    List<Integer> openStack = new ArrayList<>();
    try {
      for (Step step : steps) {
        switch (step.kind()) {
          case OPEN -> {
            GuardContext context =
                GuardContext.of(
                    STEP_ACTORS.get(step.index() % STEP_ACTORS.size()), "c-" + scopes.size(), NOW);
            openStack.add(scopes.size());
            bound.add(Optional.of(context));
            scopes.add(context.open());
          }
          case OPEN_UNBOUND -> {
            openStack.add(scopes.size());
            bound.add(Optional.empty());
            scopes.add(GuardContext.unbound());
          }
          case CLOSE -> {
            if (!scopes.isEmpty()) {
              int closing = step.index() % scopes.size();
              scopes.get(closing).close();
              int position = openStack.indexOf(closing);
              if (position >= 0) {
                openStack.subList(position, openStack.size()).clear();
              }
            }
          }
          case CLOSE_ON_OTHER_THREAD -> {
            if (!scopes.isEmpty()) {
              GuardContext.Scope scope = scopes.get(step.index() % scopes.size());
              assertThatThrownBy(() -> WORKER.submit(scope::close).get())
                  .hasCauseInstanceOf(IllegalStateException.class);
            }
          }
        }
        assertThat(ThreadState.take())
            .as("after %s", step)
            .isEqualTo(expectedState(initialMdc, bound, openStack));
        for (int i = 0; i < scopes.size(); i++) {
          assertThat(scopes.get(i).toString())
              .as("scope %d after %s", i, step)
              .startsWith("GuardContext.Scope[" + (openStack.contains(i) ? "open" : "closed"));
        }
      }
    } finally {
      for (int i = scopes.size() - 1; i >= 0; i--) {
        scopes.get(i).close();
      }
    }
    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.getCopyOfContextMap()).isEqualTo(initialMdc);
  }

  private static ThreadState expectedState(
      Map<String, String> initialMdc, List<Optional<GuardContext>> bound, List<Integer> openStack) {
    Map<String, String> mdc = new HashMap<>(initialMdc);
    if (openStack.isEmpty()) {
      return new ThreadState(Optional.empty(), Map.copyOf(mdc));
    }
    Optional<GuardContext> innermost = bound.get(openStack.get(openStack.size() - 1));
    mdc.remove(GuardContext.MDC_CORRELATION_ID);
    mdc.remove(GuardContext.MDC_ACTOR_ID);
    mdc.remove(GuardContext.MDC_TENANT_ID);
    innermost.ifPresent(
        context -> {
          mdc.put(GuardContext.MDC_CORRELATION_ID, context.correlationId());
          mdc.put(GuardContext.MDC_ACTOR_ID, context.actor().id());
          mdc.put(GuardContext.MDC_TENANT_ID, context.actor().tenantId());
        });
    return new ThreadState(innermost, Map.copyOf(mdc));
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<StepKind> kinds =
        Arbitraries.frequency(
            Tuple.of(4, StepKind.OPEN),
            Tuple.of(1, StepKind.OPEN_UNBOUND),
            Tuple.of(4, StepKind.CLOSE),
            Tuple.of(1, StepKind.CLOSE_ON_OTHER_THREAD));
    return Combinators.combine(kinds, Arbitraries.integers().between(0, 1_000))
        .as(Step::new)
        .list()
        .ofMaxSize(30);
  }

  /**
   * Gives the worker thread MDC values and, if asked, a context left open by an earlier task (its
   * scope goes to {@code stale}, for the property to close), and returns the worker's state.
   */
  private static ThreadState prepareWorker(
      Map<String, String> mdc, boolean staleContext, AtomicReference<GuardContext.Scope> stale)
      throws Exception {
    return WORKER
        .submit(
            () -> {
              MDC.clear();
              mdc.forEach(MDC::put);
              if (staleContext) {
                stale.set(GuardContext.of(Fixtures.BILLING, "stale", NOW).open());
              }
              return ThreadState.take();
            })
        .get();
  }

  @Property(tries = 200)
  void crossThread_anyCrossing_runsUnderContextAndRestoresWorker(
      @ForAll("actors") Actor actor,
      @ForAll Crossing crossing,
      @ForAll boolean bodyThrows,
      @ForAll boolean submitterBound,
      @ForAll("mdcValues") Map<String, String> workerMdc,
      @ForAll boolean workerHasStaleContext)
      throws Exception {
    AtomicReference<GuardContext.Scope> stale = new AtomicReference<>();
    ThreadState workerBefore = prepareWorker(workerMdc, workerHasStaleContext, stale);
    GuardContext context = GuardContext.of(actor, "corr-x", NOW);
    GuardContext.Scope submitterScope = submitterBound ? context.open() : null;
    ThreadState submitterBefore = ThreadState.take();
    AtomicReference<ThreadState> seen = new AtomicReference<>();
    Callable<String> body =
        () -> {
          seen.set(ThreadState.take());
          if (bodyThrows) {
            throw new Boom(0);
          }
          return "done";
        };

    Future<?> result = run(crossing, context, body);

    if (bodyThrows) {
      assertThatThrownBy(result::get)
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(Boom.class);
    } else {
      result.get();
    }
    Optional<GuardContext> expected =
        crossing == Crossing.PROPAGATING && !submitterBound
            ? Optional.empty()
            : Optional.of(context);
    assertThat(seen.get().context()).isEqualTo(expected);
    assertThat(seen.get().mdc().get(GuardContext.MDC_CORRELATION_ID))
        .isEqualTo(expected.map(GuardContext::correlationId).orElse(null));
    assertThat(seen.get().mdc().get(GuardContext.MDC_ACTOR_ID))
        .isEqualTo(expected.map(c -> c.actor().id()).orElse(null));
    assertThat(WORKER.submit(ThreadState::take).get()).isEqualTo(workerBefore);
    assertThat(ThreadState.take()).isEqualTo(submitterBefore);

    if (submitterScope != null) {
      submitterScope.close();
    }
    WORKER
        .submit(
            () -> {
              if (stale.get() != null) {
                stale.get().close();
              }
              MDC.clear();
            })
        .get();
  }

  /**
   * A task that leaks scopes (opened and never closed, bound or unbound) and rewrites the three MDC
   * keys of a context itself, then returns or throws, leaves the pool thread exactly as before,
   * however many times it runs there: same context, same MDC, and the thread's own scope still the
   * bottom of its stack (closing it leaves the thread clean), so the stack does not grow.
   */
  @Property(tries = 200)
  void crossThread_taskLeaksScopesAndEditsMdc_workerExactlyAsBeforeEveryRun(
      @ForAll Crossing crossing,
      @ForAll @Size(max = 4) List<@From("leakedContexts") Optional<GuardContext>> leaks,
      @ForAll("guardMdcValues") Map<String, String> taskMdc,
      @ForAll boolean bodyThrows,
      @ForAll boolean submitterBound,
      @ForAll("mdcValues") Map<String, String> workerMdc,
      @ForAll boolean workerHasStaleContext,
      @ForAll @IntRange(min = 1, max = 3) int runs)
      throws Exception {
    AtomicReference<GuardContext.Scope> stale = new AtomicReference<>();
    ThreadState workerBefore = prepareWorker(workerMdc, workerHasStaleContext, stale);
    GuardContext context = GuardContext.of(Fixtures.ALICE, "corr-leaky", NOW);
    GuardContext.Scope submitterScope = submitterBound ? context.open() : null;
    ThreadState submitterBefore = ThreadState.take();
    Callable<String> body =
        () -> {
          for (Optional<GuardContext> leak : leaks) {
            if (leak.isPresent()) {
              leak.get().open();
            } else {
              GuardContext.unbound();
            }
            taskMdc.forEach(MDC::put);
          }
          taskMdc.forEach(MDC::put);
          if (bodyThrows) {
            throw new Boom(leaks.size());
          }
          return "done";
        };

    try {
      for (int run = 0; run < runs; run++) {
        Future<?> result = run(crossing, context, body);
        if (bodyThrows) {
          assertThatThrownBy(result::get).hasRootCauseInstanceOf(Boom.class);
        } else {
          result.get();
        }
        assertThat(WORKER.submit(ThreadState::take).get())
            .as("worker after run %d", run)
            .isEqualTo(workerBefore);
      }
      assertThat(ThreadState.take()).isEqualTo(submitterBefore);
    } finally {
      if (submitterScope != null) {
        submitterScope.close();
      }
      ThreadState workerAfterOwnScope =
          WORKER
              .submit(
                  () -> {
                    if (stale.get() != null) {
                      stale.get().close();
                    }
                    ThreadState state = ThreadState.take();
                    MDC.clear();
                    return state;
                  })
              .get();
      assertThat(workerAfterOwnScope).isEqualTo(new ThreadState(Optional.empty(), workerMdc));
    }
  }

  @Provide
  Arbitrary<Map<String, String>> guardMdcValues() {
    Arbitrary<String> keys =
        Arbitraries.of(
            GuardContext.MDC_CORRELATION_ID, GuardContext.MDC_ACTOR_ID, GuardContext.MDC_TENANT_ID);
    Arbitrary<String> values =
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(10);
    return Arbitraries.maps(keys, values).ofMaxSize(3).map(HashMap::new);
  }

  @Provide
  Arbitrary<Optional<GuardContext>> leakedContexts() {
    return Arbitraries.of(Fixtures.ALICE, Fixtures.BILLING)
        .map(actor -> GuardContext.of(actor, "leaked", NOW))
        .optional(0.7);
  }

  private static Future<?> run(Crossing crossing, GuardContext context, Callable<String> body) {
    return switch (crossing) {
      case WRAP_RUNNABLE ->
          WORKER.submit(
              context.wrap(
                  () -> {
                    try {
                      body.call();
                    } catch (RuntimeException e) {
                      throw e;
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
      case WRAP_CALLABLE -> WORKER.submit(context.wrap(body));
      case WRAP_SUPPLIER ->
          CompletableFuture.supplyAsync(
              context.wrapSupplier(
                  () -> {
                    try {
                      return body.call();
                    } catch (RuntimeException e) {
                      throw e;
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }),
              WORKER);
      case PROPAGATING ->
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return body.call();
                } catch (RuntimeException e) {
                  throw e;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              GuardContext.propagating(WORKER));
    };
  }

  @Property(tries = 20)
  void propagating_manyTasksOnPool_eachSeesItsSubmittersContextAndPoolEndsClean(
      @ForAll @Size(min = 1, max = 20) List<@From("actors") Actor> actors) throws Exception {
    Executor executor = GuardContext.propagating(POOL);
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < actors.size(); i++) {
        GuardContext context = GuardContext.of(actors.get(i), "c-" + round + "-" + i, NOW);
        try (GuardContext.Scope scope = context.open()) {
          checks.add(
              CompletableFuture.supplyAsync(
                  () ->
                      GuardContext.current().equals(scope.context())
                          && scope
                              .context()
                              .correlationId()
                              .equals(MDC.get(GuardContext.MDC_CORRELATION_ID)),
                  executor));
        }
      }
    }

    for (CompletableFuture<Boolean> check : checks) {
      assertThat(check.get(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(poolThreadStates()).containsOnly(new ThreadState(Optional.empty(), Map.of()));
  }

  /** The state of every pool thread: one task per thread, held together by a barrier. */
  private static List<ThreadState> poolThreadStates() throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(POOL_SIZE);
    List<Future<ThreadState>> states = new ArrayList<>();
    for (int i = 0; i < POOL_SIZE; i++) {
      states.add(
          POOL.submit(
              () -> {
                ThreadState state = ThreadState.take();
                barrier.await(10, TimeUnit.SECONDS);
                return state;
              }));
    }
    List<ThreadState> result = new ArrayList<>();
    for (Future<ThreadState> state : states) {
      result.add(state.get(10, TimeUnit.SECONDS));
    }
    return result;
  }

  @Provide
  Arbitrary<Actor> actors() {
    Arbitrary<String> ids =
        Arbitraries.strings().alpha().numeric().withChars("-_.@").ofMinLength(1).ofMaxLength(12);
    Arbitrary<List<String>> roles =
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).list().ofMaxSize(3);
    return Combinators.combine(Arbitraries.of(ActorKind.class), ids, ids, roles)
        .as(
            (kind, id, tenant, roleList) ->
                switch (kind) {
                  case PERSON -> Actor.person(id, tenant, roleList);
                  case SERVICE -> Actor.service(id, tenant, roleList);
                  case JOB -> Actor.job(id, tenant);
                });
  }

  @Provide
  Arbitrary<Map<String, String>> mdcValues() {
    Arbitrary<String> keys =
        Arbitraries.of(
            GuardContext.MDC_CORRELATION_ID,
            GuardContext.MDC_ACTOR_ID,
            GuardContext.MDC_TENANT_ID,
            "unrelated",
            "request_path");
    Arbitrary<String> values =
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(10);
    return Arbitraries.maps(keys, values).ofMaxSize(5).map(HashMap::new);
  }
}
