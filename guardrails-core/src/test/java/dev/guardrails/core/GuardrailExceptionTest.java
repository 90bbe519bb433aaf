package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

final class GuardrailExceptionTest {

  private static final class Custom extends GuardrailException {
    private static final long serialVersionUID = 1L;

    Custom(String code, int status, String publicMessage, String details) {
      super(code, status, publicMessage, details, null, true);
    }
  }

  @Test
  void constructor_validArguments_exposesPartsAndHidesDetailsFromGetMessage() {
    Custom e = new Custom("custom.thing_failed", 422, "Something failed.", "db row 42 locked");

    assertThat(e.code()).isEqualTo("custom.thing_failed");
    assertThat(e.status()).isEqualTo(422);
    assertThat(e.publicMessage()).isEqualTo("Something failed.");
    assertThat(e.details()).isEqualTo("db row 42 locked");
    assertThat(e.getMessage()).isEqualTo("Something failed.");
    assertThat(e.getLocalizedMessage()).isEqualTo("Something failed.");
    assertThat(e.toString()).doesNotContain("row 42");
    assertThat(e.logMessage())
        .isEqualTo("custom.thing_failed: Something failed. (db row 42 locked)");
    assertThat(e.getStackTrace()).isNotEmpty();
  }

  @Test
  void logMessage_emptyDetails_omitsParentheses_andEscapesNewlines() {
    assertThat(new Custom("x", 400, "Bad.", "").logMessage()).isEqualTo("x: Bad.");
    assertThat(new Custom("x", 400, "Bad.", "line1\nline2").logMessage())
        .isEqualTo("x: Bad. (line1\\nline2)");
  }

  @Test
  void constructor_badArguments_throwWithRuleAndValue() {
    assertThatThrownBy(() -> new Custom("Access-Denied", 403, "No.", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("code must be lower snake case with optional dots, but was 'Access-Denied'");
    assertThatThrownBy(() -> new Custom("x", 200, "No.", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be between 400 and 599, but was 200");
    assertThatThrownBy(() -> new Custom("x", 400, " ", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("public message must not be blank, but was ' '");
    assertThatThrownBy(() -> new Custom(null, 400, "No.", "")).hasMessage("code");
    assertThatThrownBy(() -> new Custom("x", 400, null, "")).hasMessage("publicMessage");
    assertThatThrownBy(() -> new Custom("x", 400, "No.", null)).hasMessage("details");
  }

  @Test
  void unauthenticated_anyReason_genericPublicMessageNoStackTrace() {
    Unauthenticated e = new Unauthenticated("token expired at 2026-11-22T09:00:00Z");

    assertThat(e.code()).isEqualTo("unauthenticated");
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.getMessage()).isEqualTo("Authentication is required.");
    assertThat(e.details()).isEqualTo("token expired at 2026-11-22T09:00:00Z");
    assertThat(e.getStackTrace()).isEmpty();
    assertThatThrownBy(() -> new Unauthenticated(" "))
        .hasMessage("reason must not be blank, but was ' '");
  }

  @Test
  void accessDenied_keepsPermissionInDetailsOnly() {
    AccessDenied e = new AccessDenied("invoice.approve", "actor u-1 lacks role approver");

    assertThat(e.code()).isEqualTo("access_denied");
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.permission()).isEqualTo("invoice.approve");
    assertThat(e.getMessage()).isEqualTo(AccessDenied.PUBLIC_MESSAGE);
    assertThat(e.details())
        .isEqualTo("permission 'invoice.approve' denied: actor u-1 lacks role approver");
    assertThat(e.getStackTrace()).isEmpty();
    assertThatThrownBy(() -> new AccessDenied(null, "r")).hasMessage("permission");
    assertThatThrownBy(() -> new AccessDenied("p", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void notFound_publicMessageNamesTypeButNeverId() {
    NotFound e = new NotFound("invoice", "inv-secret-42", "owned by tenant t-9");

    assertThat(e.code()).isEqualTo("not_found");
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.getMessage()).isEqualTo("The requested invoice was not found.");
    assertThat(e.details()).isEqualTo("invoice 'inv-secret-42' was not found: owned by tenant t-9");
    assertThat(e.resourceType()).isEqualTo("invoice");
    assertThat(e.resourceId()).isEqualTo("inv-secret-42");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(new NotFound("invoice", "x").details()).endsWith("it does not exist");
    assertThatThrownBy(() -> new NotFound("invoice\n", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("resource type must not contain control characters");
    assertThatThrownBy(() -> new NotFound("invoice", null)).hasMessage("resourceId");
  }

  @Test
  void conflict_staleVersion_namesBothVersions() {
    Conflict e = Conflict.staleVersion("invoice", "inv-7", 3, 4);

    assertThat(e.code()).isEqualTo("conflict.stale_version");
    assertThat(e.status()).isEqualTo(409);
    assertThat(e.reason()).isEqualTo(Conflict.Reason.STALE_VERSION);
    assertThat(e.getMessage())
        .isEqualTo(
            "The invoice was changed by someone else: you sent version 3, the current version is"
                + " 4; reload and try again.");
    assertThat(e.details())
        .isEqualTo("invoice 'inv-7' has version 4, but the update was based on version 3");
    assertThat(e.getStackTrace()).isNotEmpty();
  }

  @Test
  void conflict_otherReasons_haveCodesAndSafeMessages() {
    Conflict duplicate = Conflict.duplicate("customer", "email=a@example.com");
    Conflict inFlight = Conflict.idempotencyInFlight("key-1");
    Conflict mismatch = Conflict.idempotencyMismatch("key-2");
    Conflict state = Conflict.state("invoice", "inv-1", "paid", "approve");

    assertThat(duplicate.code()).isEqualTo("conflict.duplicate");
    assertThat(duplicate.getMessage()).isEqualTo("The customer already exists.");
    assertThat(duplicate.details()).contains("email=a@example.com");
    assertThat(inFlight.code()).isEqualTo("conflict.idempotency_in_flight");
    assertThat(inFlight.getMessage()).contains("still being processed").doesNotContain("key-1");
    assertThat(mismatch.code()).isEqualTo("conflict.idempotency_mismatch");
    assertThat(mismatch.getMessage()).contains("new key").doesNotContain("key-2");
    assertThat(state.code()).isEqualTo("conflict.state");
    assertThat(state.getMessage())
        .isEqualTo("The action 'approve' is not allowed while the invoice is 'paid'.");
    assertThat(state.details()).contains("inv-1");
    assertThat(Conflict.Reason.IDEMPOTENCY_MISMATCH.code())
        .isEqualTo("conflict.idempotency_mismatch");
    assertThatThrownBy(() -> Conflict.duplicate("customer", null)).hasMessage("key");
    assertThatThrownBy(() -> Conflict.idempotencyInFlight(null)).hasMessage("idempotencyKey");
    assertThatThrownBy(() -> Conflict.staleVersion(" ", "x", 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Conflict.state("invoice", "x", "paid", "ap\nprove"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("action must not contain control characters");
  }

  @Test
  void invalidInput_summarizesPathsAndProblemsOnly() {
    InvalidInput e =
        InvalidInput.of(
            FieldError.of("amount", "must be positive", -5),
            FieldError.withoutValue("password", "is too short"));

    assertThat(e.code()).isEqualTo("invalid_input");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage())
        .isEqualTo("2 fields are invalid: amount: must be positive; password: is too short");
    assertThat(e.details())
        .isEqualTo(
            "amount: must be positive (rejected '-5'); password: is too short (value withheld)");
    assertThat(e.fieldErrors()).hasSize(2);
    assertThat(e.getStackTrace()).isNotEmpty();
    assertThat(InvalidInput.of(FieldError.of("a", "is bad", null)).getMessage())
        .isEqualTo("1 field is invalid: a: is bad");
  }

  @Test
  void invalidInput_manyErrors_listsTenAndCountsTheRest() {
    List<FieldError> errors =
        IntStream.range(0, 13).mapToObj(i -> FieldError.of("f" + i, "is bad", i)).toList();

    InvalidInput e = InvalidInput.of(errors);

    assertThat(e.getMessage())
        .startsWith("13 fields are invalid: f0: is bad;")
        .endsWith("; and 3 more");
    assertThat(e.fieldErrors()).isEqualTo(errors);
    assertThatThrownBy(() -> e.fieldErrors().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void invalidInput_emptyOrNull_throws() {
    assertThatThrownBy(() -> InvalidInput.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("field errors must not be empty, but was []");
    assertThatThrownBy(() -> InvalidInput.of((List<FieldError>) null)).hasMessage("fieldErrors");
    assertThatThrownBy(() -> InvalidInput.of(FieldError.of("a", "b", 1), (FieldError) null))
        .hasMessage("fieldError");
  }

  @Test
  void fieldError_rejectedValue_escapedAndTruncated() {
    FieldError error = FieldError.of("name", "is too long", "x".repeat(100) + "\n");
    FieldError injected = FieldError.of("note", "is bad", "ok\r\nERROR forged");

    assertThat(error.rejectedValue()).hasValue("x".repeat(64) + "\u2026");
    assertThat(injected.rejectedValue()).hasValue("ok\\r\\nERROR forged");
    assertThat(FieldError.of("a", "b", null).rejectedValue()).hasValue("null");
    assertThat(FieldError.withoutValue("pin", "is wrong").rejectedValue()).isEmpty();
    assertThat(FieldError.of("items[0]\n", "is\tbad", 1).path()).isEqualTo("items[0]\\n");
    assertThatThrownBy(() -> FieldError.of(" ", "b", 1))
        .hasMessage("path must not be blank, but was ' '");
    assertThatThrownBy(() -> FieldError.withoutValue("a", null)).hasMessage("problem");
  }

  @Test
  void rateLimited_saysWhenToRetryInWholeSeconds() {
    RateLimited e = new RateLimited("login/ip", Duration.ofMillis(1500));

    assertThat(e.code()).isEqualTo("rate_limited");
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.getMessage()).isEqualTo("Too many requests; try again in 2 seconds.");
    assertThat(e.details()).isEqualTo("rate limit 'login/ip' exceeded; retry after PT1.5S");
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
    assertThat(e.limitName()).isEqualTo("login/ip");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(new RateLimited("x", Duration.ZERO).getMessage()).contains("in 1 second.");
    assertThatThrownBy(() -> new RateLimited("x", Duration.ofSeconds(-1)))
        .hasMessage("retryAfter must not be negative, but was PT-1S");
    assertThatThrownBy(() -> new RateLimited("x", null)).hasMessage("retryAfter");
  }

  @Test
  void retryAfter_longestDuration_saysItExactlyInsteadOfWrappingToOneSecond() {
    Duration longest = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    assertThat(new RateLimited("x", longest).getMessage())
        .isEqualTo("Too many requests; try again in 9223372036854775808 seconds.");
    assertThat(new UpstreamUnavailable("u", longest, "r", null).getMessage())
        .endsWith("try again in 9223372036854775808 seconds.");
    assertThat(new RateLimited("x", Duration.ofSeconds(Long.MAX_VALUE)).getMessage())
        .endsWith("in 9223372036854775807 seconds.");
    assertThat(Text.seconds(Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo("1 second");
    assertThat(Text.seconds(Duration.ofSeconds(1))).isEqualTo("1 second");
    assertThat(Text.seconds(Duration.ofSeconds(1, 1))).isEqualTo("2 seconds");
  }

  @Test
  void budgetExceeded_publicMessageSaysResetDetailsCarryAmounts() {
    Instant resetsAt = Instant.parse("2026-11-23T00:00:00Z");
    BudgetExceeded e =
        new BudgetExceeded(
            "openai/tenant-42/day", Money.of("5", USD), Money.of("5.00", USD), resetsAt);

    assertThat(e.code()).isEqualTo("budget_exceeded");
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.getMessage())
        .isEqualTo(
            "The usage budget for this operation is exhausted; it resets at 2026-11-23T00:00:00Z.");
    assertThat(e.details())
        .isEqualTo(
            "budget 'openai/tenant-42/day' is exhausted: spent 5.00 of 5.00 USD, resets at"
                + " 2026-11-23T00:00:00Z");
    assertThat(e.budgetName()).isEqualTo("openai/tenant-42/day");
    assertThat(e.spent()).isEqualTo(Money.of("5", USD));
    assertThat(e.limit()).isEqualTo(Money.of("5", USD));
    assertThat(e.resetsAt()).isEqualTo(resetsAt);
    assertThat(e.getStackTrace()).isEmpty();
    assertThatThrownBy(
            () ->
                new BudgetExceeded("b", Money.of("1", USD), Money.of("1", Fixtures.EUR), resetsAt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("money amounts must be in the same currency, but were 1.00 USD and 1.00 EUR");
    assertThatThrownBy(() -> new BudgetExceeded("b", Money.of("1", USD), Money.of("1", USD), null))
        .hasMessage("resetsAt");
  }

  @Test
  void upstreamUnavailable_keepsCauseAndOptionalRetryAfter() {
    IOException cause = new IOException("connect timed out to 10.0.0.7:443");
    UpstreamUnavailable later = new UpstreamUnavailable("openai", "retries exhausted", cause);
    UpstreamUnavailable timed =
        new UpstreamUnavailable("openai", Duration.ofSeconds(30), "circuit breaker open", null);

    assertThat(later.code()).isEqualTo("upstream_unavailable");
    assertThat(later.status()).isEqualTo(503);
    assertThat(later.getCause()).isSameAs(cause);
    assertThat(later.getMessage())
        .isEqualTo(
            "A service this request depends on is temporarily unavailable; try again later.");
    assertThat(later.details()).isEqualTo("upstream 'openai' is unavailable: retries exhausted");
    assertThat(later.retryAfter()).isEmpty();
    assertThat(later.upstream()).isEqualTo("openai");
    assertThat(later.getStackTrace()).isNotEmpty();
    assertThat(timed.getMessage()).endsWith("try again in 30 seconds.");
    assertThat(timed.retryAfter()).hasValue(Duration.ofSeconds(30));
    assertThat(timed.details()).endsWith("; retry after PT30S");
    assertThatThrownBy(() -> new UpstreamUnavailable(null, "r", null)).hasMessage("upstream");
    assertThatThrownBy(() -> new UpstreamUnavailable("u", (Duration) null, "r", null))
        .hasMessage("retryAfter");
  }
}
