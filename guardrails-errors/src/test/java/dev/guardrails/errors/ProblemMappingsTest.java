package dev.guardrails.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.AccessDenied;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Money;
import dev.guardrails.core.Unauthenticated;
import dev.guardrails.core.UpstreamUnavailable;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

final class ProblemMappingsTest {

  private final ProblemMappings defaults = ProblemMappings.defaults();

  @Test
  void resolve_coreExceptions_mappedByStatusCodeAndClass() {
    Currency usd = Currency.getInstance("USD");
    assertThat(defaults.resolve(new Unauthenticated("no token")))
        .satisfies(
            t -> {
              assertThat(t.status()).isEqualTo(401);
              assertThat(t.failureClass()).isEqualTo(FailureClass.CLIENT_ERROR);
              assertThat(t.detail()).isEqualTo(Unauthenticated.PUBLIC_MESSAGE);
            });
    assertThat(defaults.resolve(new AccessDenied("invoice.read", "not owner")).status())
        .isEqualTo(403);
    ProblemTemplate budget =
        defaults.resolve(
            new BudgetExceeded(
                "ai/day", Money.ofMicros(1, usd), Money.ofMicros(1, usd), Instant.EPOCH));
    assertThat(budget.status()).isEqualTo(429);
    assertThat(budget.failureClass()).isEqualTo(FailureClass.UNAVAILABLE);
    ProblemTemplate upstream =
        defaults.resolve(
            new UpstreamUnavailable("openai", Duration.ofSeconds(7), "circuit open", null));
    assertThat(upstream.status()).isEqualTo(503);
    assertThat(upstream.retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void resolve_transientJdkFailures_unavailable503() {
    for (Throwable t :
        new Throwable[] {
          new TimeoutException(),
          new ConnectException(),
          new SQLTransientConnectionException(),
          new InterruptedException()
        }) {
      ProblemTemplate template = defaults.resolve(t);
      assertThat(template.status()).as(t.toString()).isEqualTo(503);
      assertThat(template.failureClass()).isEqualTo(FailureClass.UNAVAILABLE);
      assertThat(template.detail()).isNull();
    }
  }

  @Test
  void resolve_unknownAndMisuseExceptions_bug500() {
    assertThat(defaults.resolve(new IllegalArgumentException("bad arg")).status()).isEqualTo(500);
    assertThat(defaults.resolve(new NullPointerException()).failureClass())
        .isEqualTo(FailureClass.BUG);
    assertThat(defaults.resolve(new AssertionError()).code()).isEqualTo("internal_error");
  }

  @Test
  void resolve_wrappers_lookedThroughToCause() {
    assertThat(
            defaults
                .resolve(
                    new ExecutionException(new InvocationTargetException(new TimeoutException())))
                .status())
        .isEqualTo(503);
    assertThat(defaults.resolve(new ExecutionException(null)).status()).isEqualTo(500);
  }

  @Test
  void builder_mostSpecificTypeWins_andCustomWrapper() {
    ProblemMappings mappings =
        ProblemMappings.builder()
            .map(
                IllegalStateException.class,
                ProblemTemplate.of(FailureClass.CONFLICT, 409, "state", "Wrong state"))
            .map(
                RuntimeException.class,
                ProblemTemplate.of(FailureClass.BUG, 500, "runtime", "Runtime"))
            .unwrap(WrapperException.class)
            .build();
    assertThat(mappings.resolve(new IllegalStateException()).code()).isEqualTo("state");
    assertThat(mappings.resolve(new IllegalArgumentException()).code()).isEqualTo("runtime");
    assertThat(mappings.resolve(new WrapperException(new IllegalStateException())).code())
        .isEqualTo("state");
    assertThat(mappings.resolve(new TimeoutException()).status()).isEqualTo(503);
  }

  @Test
  void builder_sameTypeTwice_rejected_andBuildCopies() {
    ProblemMappings.Builder builder =
        ProblemMappings.builder()
            .map(
                IllegalStateException.class,
                ProblemTemplate.of(FailureClass.CONFLICT, 409, "state", "Wrong state"));
    assertThatThrownBy(
            () ->
                builder.map(
                    IllegalStateException.class,
                    ProblemTemplate.of(FailureClass.BUG, 500, "x", "X")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "exception type java.lang.IllegalStateException is already mapped in this builder");
    ProblemMappings built = builder.build();
    builder.map(
        IllegalArgumentException.class,
        ProblemTemplate.of(FailureClass.CLIENT_ERROR, 400, "arg", "Arg"));
    assertThat(built.resolve(new IllegalArgumentException()).status()).isEqualTo(500);
  }

  @Test
  void template_rejectsBadValues() {
    assertThatThrownBy(() -> ProblemTemplate.of(FailureClass.BUG, 200, "ok", "OK"))
        .hasMessage("status must be between 400 and 599, but was 200");
    assertThatThrownBy(() -> ProblemTemplate.of(FailureClass.BUG, 500, "Not Snake", "X"))
        .hasMessage("code must be lower snake case with optional dots, but was 'Not Snake'");
    assertThatThrownBy(() -> ProblemTemplate.of(FailureClass.BUG, 500, "x", " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ProblemTemplate.of(FailureClass.BUG, 500, "x", "X")
                    .withRetryAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static final class WrapperException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrapperException(Throwable cause) {
      super(cause);
    }
  }
}
