package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.guardrails.core.Actor;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.Money;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.cost.spi.CostModel;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real HTTP upstream on loopback that goes down, asks to be retried later, and comes back. */
final class UpstreamScenarioTest {

  static final Currency USD = Currency.getInstance("USD");
  static final Actor ALICE = Actor.person("alice", "acme");

  /** What the upstream answers next: status and Retry-After header (or null). */
  record Answer(int status, String retryAfter) {}

  final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  final InMemoryEventSink events = new InMemoryEventSink();
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger requests = new AtomicInteger();
  final AtomicReference<List<Answer>> script = new AtomicReference<>(List.of());
  final AtomicReference<Answer> otherwise = new AtomicReference<>(new Answer(200, null));
  final HttpClient http = HttpClient.newHttpClient();
  HttpServer server;

  @BeforeEach
  void startUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/complete",
        exchange -> {
          int n = requests.getAndIncrement();
          List<Answer> answers = script.get();
          Answer a = n < answers.size() ? answers.get(n) : otherwise.get();
          if (a.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
          }
          byte[] body = ("status " + a.status()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(a.status(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stopUpstream() {
    server.stop(0);
  }

  String complete(String prompt) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/complete"))
                .POST(HttpRequest.BodyPublishers.ofString(prompt))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw UpstreamHttpException.of(
          response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), clock);
    }
    return response.body();
  }

  GuardedCall.Builder<String, String> builder() {
    return GuardedCall.builder("upstream.complete", this::complete)
        .clock(clock)
        .events(events)
        .sleeper(sleeps::add);
  }

  @Test
  void retryAfter_fromA503_isHonouredThenTheCallSucceeds() {
    script.set(List.of(new Answer(503, "3"), new Answer(429, "5")));
    GuardedCall<String, String> call = builder().build();

    assertThat(call.call(ALICE, "hello")).isEqualTo("status 200");

    assertThat(requests).hasValue(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(5));
  }

  @Test
  void clientError_isNotRetried() {
    script.set(List.of(new Answer(400, null)));
    GuardedCall<String, String> call = builder().build();
    assertThatThrownBy(() -> call.call(ALICE, "hello"))
        .isInstanceOfSatisfying(
            UpstreamHttpException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThat(requests).hasValue(1);
  }

  @Test
  void upstreamDown_attemptsBoundedBreakerOpensNothingSpent_thenBackAndClosed() {
    otherwise.set(new Answer(503, null));
    BudgetGuard budgets =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .budget(
                Budget.builder("daily")
                    .limit(Money.of("10", USD))
                    .period(BudgetPeriod.day(ZoneOffset.UTC))
                    .build())
            .build();
    GuardedCall<String, String> call =
        builder()
            .budgets(budgets, CostModel.flat(Money.of("0.01", USD)))
            .retry(RetryPolicy.builder().maxAttempts(3).retryBudget(10, 3).build())
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(20)
                    .minimumNumberOfCalls(20)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofSeconds(30))
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .build())
            .build();

    int calls = 100;
    for (int i = 0; i < calls; i++) {
      assertThatThrownBy(() -> call.call(ALICE, "hello")).isInstanceOf(UpstreamUnavailable.class);
    }

    assertThat(call.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(requests.get()).isEqualTo(20);
    assertThat(sleeps.size()).isLessThanOrEqualTo(3 + calls / 10);
    assertThat(budgets.status(ALICE, "upstream.complete").get(0).spent().micros()).isZero();
    assertThat(budgets.status(ALICE, "upstream.complete").get(0).reserved().micros()).isZero();

    otherwise.set(new Answer(200, null));
    clock.advance(Duration.ofSeconds(31));
    assertThat(call.call(ALICE, "hello")).isEqualTo("status 200");
    assertThat(call.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(budgets.status(ALICE, "upstream.complete").get(0).spent())
        .isEqualTo(Money.of("0.01", USD));
  }

  @Test
  void parseRetryAfter_readsSecondsAndHttpDates() {
    assertThat(UpstreamHttpException.parseRetryAfter("120", clock)).contains(Duration.ofMinutes(2));
    assertThat(UpstreamHttpException.parseRetryAfter("Sun, 22 Nov 2026 10:01:30 GMT", clock))
        .contains(Duration.ofSeconds(90));
    assertThat(UpstreamHttpException.parseRetryAfter("Sun, 22 Nov 2026 09:00:00 GMT", clock))
        .contains(Duration.ZERO);
    assertThat(UpstreamHttpException.parseRetryAfter("soon", clock)).isEmpty();
    assertThat(UpstreamHttpException.parseRetryAfter("-5", clock)).isEmpty();
    assertThat(UpstreamHttpException.parseRetryAfter(null, clock)).isEmpty();
  }
}
