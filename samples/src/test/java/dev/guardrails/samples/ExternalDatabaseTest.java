package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Environment;
import dev.guardrails.core.Money;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GUARDRAILS_DB_URL}: a database owned by a plain role with {@code CREATEROLE} (no
 * superuser), as the README documents, is enough to migrate, seed, run the tour and start again.
 */
final class ExternalDatabaseTest {

  private static EmbeddedPostgres server;
  private static DeskConfig config;

  @BeforeAll
  static void createDatabaseAndOwner() throws Exception {
    server = EmbeddedPostgres.builder().start();
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE desk_owner LOGIN CREATEROLE NOSUPERUSER PASSWORD 'owner-pw'");
      s.execute("CREATE DATABASE desk_ext OWNER desk_owner");
    }
    config =
        new DeskConfig(
            Environment.TEST,
            "jdbc:postgresql://localhost:" + server.getPort() + "/desk_ext",
            "desk_owner",
            "owner-pw",
            "127.0.0.1",
            0,
            Money.of("0.01", DeskConfig.USD),
            Money.of("1.00", DeskConfig.USD));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void externalDatabase_ownedByAPlainRole_runsTheTourAndStartsAgain() {
    DemoClock clock = DemoClock.startingAt(Clock.systemUTC());
    try (InvoiceDeskApp app = InvoiceDeskApp.start(config, clock)) {
      assertThat(app.database().embedded()).isFalse();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Tour.Result result =
          new Tour(
                  app.uri(),
                  app.llmUri(),
                  clock,
                  new PrintStream(out, true, StandardCharsets.UTF_8))
              .run();
      assertThat(result.passed()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
    }

    try (InvoiceDeskApp again =
        InvoiceDeskApp.start(config, DemoClock.startingAt(Clock.systemUTC()))) {
      RunningDeskClient client = new RunningDeskClient(again);
      assertThat(client.invoiceNumbers("anna"))
          .contains("N-1001", "N-1004")
          .doesNotHaveDuplicates();
    }
  }

  /** Logs in and lists invoices against an app that is not a {@link RunningDesk}. */
  private record RunningDeskClient(InvoiceDeskApp app) {
    java.util.List<String> invoiceNumbers(String user) {
      TourClient http = new TourClient(app.uri());
      String token =
          http.send("POST", "/dev/login", null, "{\"username\": \"" + user + "\"}")
              .json()
              .path("token")
              .asText();
      return http.get("/invoices", token).json().path("invoices").findValuesAsText("number");
    }
  }
}
