package dev.guardrails.errors;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Runs the JSON log example configuration and checks that the ids line up everywhere. */
final class JsonLogExampleTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final ByteArrayOutputStream alertLogs = new ByteArrayOutputStream();

  @BeforeEach
  void configureExample() throws Exception {
    configure("logback-json-example.xml");
    redirect("ROOT", "JSON", logs);
    redirect(AlertSinks.ALERT_LOGGER, "ALERTS", alertLogs);
  }

  @AfterEach
  void restoreTestConfiguration() throws Exception {
    configure("logback-test.xml");
  }

  private void configure(String resource) throws Exception {
    URL url = getClass().getClassLoader().getResource(resource);
    assertThat(url).as(resource).isNotNull();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(url);
  }

  private void redirect(String logger, String appender, ByteArrayOutputStream target) {
    OutputStreamAppender<ILoggingEvent> out =
        (OutputStreamAppender<ILoggingEvent>) context.getLogger(logger).getAppender(appender);
    assertThat(out).as(appender).isNotNull();
    out.setOutputStream(target);
  }

  private static List<JsonNode> lines(ByteArrayOutputStream out) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void failure_correlationIdSameInLogLineProblemAndAlert() throws Exception {
    AlertPipeline alerts = AlertPipeline.builder().sink(AlertSinks.log()).build();
    ErrorBoundary boundary = ErrorBoundary.builder().random(new Random(9)).alerts(alerts).build();
    GuardContext request =
        GuardContext.of(Actor.person("u-7", "t-3"), "corr-json-0001", Instant.EPOCH);

    Problem problem;
    try (GuardContext.Scope scope = request.open()) {
      problem = boundary.handle(new IllegalStateException("line one\n{\"forged\":true}")).problem();
      assertThat(scope.context()).isSameAs(request);
    }

    List<JsonNode> logLines = lines(logs);
    JsonNode failure =
        logLines.stream()
            .filter(l -> l.get("loggerName").asText().equals(ErrorBoundary.class.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(failure.get("level").asText()).isEqualTo("ERROR");
    assertThat(failure.get("mdc").get("correlation_id").asText()).isEqualTo("corr-json-0001");
    assertThat(failure.get("mdc").get("actor_id").asText()).isEqualTo("u-7");
    assertThat(failure.get("mdc").get("tenant_id").asText()).isEqualTo("t-3");
    assertThat(failure.get("mdc").get("incident_id").asText()).isEqualTo(problem.incidentId());
    assertThat(failure.get("throwable").get("className").asText())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(logLines).noneMatch(l -> l.has("forged"));

    JsonNode alert = lines(alertLogs).get(0);
    assertThat(alert.get("loggerName").asText()).isEqualTo(AlertSinks.ALERT_LOGGER);
    assertThat(alert.get("markers").toString()).contains("GUARDRAILS_ALERT");
    assertThat(alert.get("mdc").get("correlation_id").asText()).isEqualTo("corr-json-0001");
    assertThat(alert.get("mdc").get("incident_id").asText()).isEqualTo(problem.incidentId());

    assertThat(problem.correlationId()).isEqualTo("corr-json-0001");
  }
}
