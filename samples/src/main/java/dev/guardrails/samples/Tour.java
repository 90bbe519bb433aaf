package dev.guardrails.samples;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The scripted tour: real HTTP requests against a running Invoice Desk, one step per guardrail,
 * each printing what was sent, the status and the key part of the answer, which guardrail acted,
 * and whether the outcome was the expected one.
 *
 * <p>The tour moves the app's {@link DemoClock} forward twice instead of sleeping: 17 minutes to
 * let a token expire, 31 seconds to let the open breaker try again.
 *
 * <p>Not thread-safe; run it once.
 */
public final class Tour {

  /**
   * The outcome of one step.
   *
   * @param number its number, from 1
   * @param title what it shows
   * @param passed whether every expectation held
   * @param failures the expectations that did not hold
   */
  public record Step(int number, String title, boolean passed, List<String> failures) {}

  /**
   * The outcome of the tour.
   *
   * @param steps every step, in order
   */
  public record Result(List<Step> steps) {

    /** {@return whether every step passed} */
    public boolean passed() {
      return steps.stream().allMatch(Step::passed);
    }

    /**
     * Returns a step by its number.
     *
     * @param number from 1
     * @return the step
     */
    public Step step(int number) {
      return steps.get(number - 1);
    }
  }

  /** The titles of the steps, in order; printed by {@code --help} too. */
  public static final List<String> TITLES =
      List.of(
          "a user reading another firm's invoice gets 404 (auth: tenant scoping, deny as not found)",
          "a forged or expired token gets 401 (auth: strict JWT verification)",
          "a clerk changing a colleague's invoice gets 403 (auth: ownership)",
          "a double-submitted create makes one invoice (data: idempotency keys)",
          "a stale update gets 409 (data: optimistic locking)",
          "a malformed body gets a 400 problem listing the bad fields (errors: strict input)",
          "repeated summaries hit the cache (cost: cache)",
          "the per-user budget stops the paid call with a clear message (cost: hard stop)",
          "an upstream outage opens the breaker without a retry storm (cost: breaker, retry budget)",
          "the audit trail shows who did what (data: audited repositories)",
          "the spend report shows cost per user and per day (cost: meter)",
          "the operator page renders for an admin (ops: signed link, inline SVG)");

  private final TourClient api;
  private final TourClient llm;
  private final DemoClock clock;
  private final PrintStream out;
  private final Map<String, String> tokens = new HashMap<>();
  private final Map<String, String> invoiceIds = new HashMap<>();
  private final List<Step> steps = new ArrayList<>();
  private List<String> failures = new ArrayList<>();
  private @Nullable String opsUrl;

  /**
   * Prepares a tour.
   *
   * @param app the app's base URI
   * @param llmUri the fake model's base URI, for its outage switch
   * @param clock the app's clock
   * @param out where to print
   */
  public Tour(URI app, URI llmUri, DemoClock clock, PrintStream out) {
    this.api = new TourClient(app);
    this.llm = new TourClient(llmUri);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Runs every step; a failing step is reported and the tour goes on.
   *
   * @return the outcome
   */
  public Result run() {
    out.println("Logging in the demo users through POST /dev/login (dev only; 15-minute tokens):");
    loginAll();
    runStep(this::otherFirm);
    runStep(this::badTokens);
    runStep(this::ownership);
    runStep(this::idempotentCreate);
    runStep(this::staleUpdate);
    runStep(this::malformedBody);
    runStep(this::cache);
    runStep(this::budget);
    runStep(this::outage);
    runStep(this::auditTrail);
    runStep(this::spend);
    runStep(this::opsPage);
    Result result = new Result(List.copyOf(steps));
    long passed = steps.stream().filter(Step::passed).count();
    out.println();
    out.printf(
        "Tour %s: %d of %d steps behaved as expected.%n",
        result.passed() ? "passed" : "FAILED", passed, steps.size());
    return result;
  }

  /** {@return the operator page link of the last tour, or null before step 12} */
  @Nullable String opsUrl() {
    return opsUrl;
  }

  private interface Body {
    void run();
  }

  private void runStep(Body body) {
    int number = steps.size() + 1;
    String title = TITLES.get(number - 1);
    out.println();
    out.printf("%2d. %s%n", number, title);
    failures = new ArrayList<>();
    try {
      body.run();
    } catch (RuntimeException e) {
      failures.add("the step stopped: " + e);
    }
    boolean passed = failures.isEmpty();
    for (String failure : failures) {
      out.println("    !! " + failure);
    }
    out.println(passed ? "    => as expected" : "    => NOT AS EXPECTED");
    steps.add(new Step(number, title, passed, List.copyOf(failures)));
  }

  // --- the steps ---------------------------------------------------------------------------

  private void otherFirm() {
    String southInvoice = invoiceId("dmitri", "S-2001");
    TourClient.Answer own = api.get("/invoices/" + invoiceId("anna", "N-1001"), token("anna"));
    show("GET /invoices/{N-1001} as anna (north, clerk)", own);
    expect(own.status() == 200, "anna reads her own firm's invoice: 200", own);
    TourClient.Answer other = api.get("/invoices/" + southInvoice, token("anna"));
    show("GET /invoices/{S-2001} as anna (S-2001 belongs to Southbank)", other);
    expect(other.status() == 404, "another firm's invoice: 404, exactly like a missing one", other);
    TourClient.Answer missing = api.get("/invoices/" + UUID.randomUUID(), token("anna"));
    show("GET /invoices/{random id} as anna", missing);
    expect(
        missing.status() == 404
            && missing.json().path("detail").asText().equals(other.json().path("detail").asText()),
        "a missing invoice gets the same 404 detail",
        missing);
    guardrail(
        "the Guard decided on the server from the verified token's firm; the tenant-scoped"
            + " repository and PostgreSQL row-level security would not even return the row");
  }

  private void badTokens() {
    String token = token("anna");
    String forged =
        token.substring(0, token.length() - 6) + (token.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
    TourClient.Answer f = api.get("/invoices", forged);
    show("GET /invoices with anna's token, signature altered", f);
    expect(f.status() == 401, "a forged token: 401", f);
    expect(f.header("WWW-Authenticate").isPresent(), "the 401 names the Bearer scheme", f);
    TourClient.Answer none = api.get("/invoices", null);
    show("GET /invoices without a token", none);
    expect(none.status() == 401, "no token: 401", none);
    Duration jump = InvoiceDeskApp.TOKEN_LIFETIME.plusMinutes(2);
    clock.advance(jump);
    out.println(
        "    .. the app's clock moves " + jump.toMinutes() + " minutes forward (no sleeping)");
    TourClient.Answer expired = api.get("/invoices", token);
    show("GET /invoices with anna's token, now expired", expired);
    expect(expired.status() == 401, "an expired token: 401", expired);
    guardrail(
        "the JwtVerifier checked signature, issuer, audience, type, algorithm and expiry on the"
            + " server; the answer never says which check failed");
    out.println("    .. logging everyone in again");
    loginAll();
  }

  private void ownership() {
    String bensInvoice = invoiceId("ben", "N-1002");
    TourClient.Answer a =
        api.send(
            "PATCH",
            "/invoices/" + bensInvoice,
            token("anna"),
            "{\"status\": \"PAID\"}",
            "If-Match",
            "\"0\"");
    show("PATCH /invoices/{N-1002} as anna (a clerk; ben owns N-1002)", a);
    expect(a.status() == 403, "a clerk may change only her own invoices: 403", a);
    guardrail("the Guard: clerks hold invoice:update on their own records only (grantOnOwn)");
  }

  private void idempotentCreate() {
    String clientId = clientId("anna", "Acme GmbH");
    String body =
        "{\"clientId\": \""
            + clientId
            + "\", \"number\": \"N-1004\", \"description\": \"Bookkeeping, November\","
            + " \"amountCents\": 65000, \"currency\": \"EUR\", \"dueDate\": \"2030-01-31\"}";
    String key = "tour-" + UUID.randomUUID();
    TourClient.Answer first =
        api.send("POST", "/invoices", token("anna"), body, "Idempotency-Key", key);
    show("POST /invoices N-1004 as anna, Idempotency-Key: " + key, first);
    TourClient.Answer second =
        api.send("POST", "/invoices", token("anna"), body, "Idempotency-Key", key);
    show("POST /invoices again, same key and body (a double click)", second);
    expect(first.status() == 201, "the first request creates the invoice: 201", first);
    expect(
        second.status() == 200 && second.header("Idempotent-Replayed").orElse("").equals("true"),
        "the second returns the stored result: 200, Idempotent-Replayed: true",
        second);
    String id = first.json().path("id").asText();
    expect(
        id.equals(second.json().path("id").asText()), "both answers name the same invoice", second);
    TourClient.Answer list = api.get("/invoices", token("anna"));
    long count = count(list.json().path("invoices"), "N-1004");
    out.println("    GET /invoices lists N-1004 " + count + " time(s)");
    expect(count == 1, "exactly one invoice N-1004 exists", list);
    invoiceIds.put("N-1004", id);
    TourClient.Answer reused =
        api.send(
            "POST",
            "/invoices",
            token("anna"),
            body.replace("65000", "99900"),
            "Idempotency-Key",
            key);
    show("POST /invoices with the same key but another amount", reused);
    expect(reused.status() == 409, "a key reused for another request: 409", reused);
    guardrail(
        "IdempotencyKeys: the key, the request's hash and the result are stored in PostgreSQL in"
            + " the transaction of the insert");
  }

  private void staleUpdate() {
    String id = invoiceIds.getOrDefault("N-1004", invoiceId("anna", "N-1004"));
    TourClient.Answer read = api.get("/invoices/" + id, token("anna"));
    String etag = read.header("ETag").orElse("\"0\"");
    show("GET /invoices/{N-1004} as anna and as ben: both read ETag " + etag, read);
    TourClient.Answer ben =
        api.send(
            "PATCH", "/invoices/" + id, token("ben"), "{\"amountCents\": 68000}", "If-Match", etag);
    show("PATCH amountCents=68000 as ben, If-Match: " + etag, ben);
    expect(
        ben.status() == 200,
        "ben saves first: 200, new ETag " + ben.header("ETag").orElse("?"),
        ben);
    TourClient.Answer anna =
        api.send(
            "PATCH",
            "/invoices/" + id,
            token("anna"),
            "{\"dueDate\": \"2030-02-28\"}",
            "If-Match",
            etag);
    show("PATCH dueDate as anna, still If-Match: " + etag, anna);
    expect(anna.status() == 409, "anna's edit is stale: 409, nothing overwritten", anna);
    TourClient.Answer noVersion =
        api.send("PATCH", "/invoices/" + id, token("anna"), "{\"dueDate\": \"2030-02-28\"}");
    show("PATCH without If-Match", noVersion);
    expect(
        noVersion.status() == 428, "an update must say which version it changes: 428", noVersion);
    guardrail("AuditedRepository: the version column is checked under a row lock in the update");
  }

  private void malformedBody() {
    String clientId = clientId("anna", "Acme GmbH");
    TourClient.Answer strict =
        api.send(
            "POST",
            "/invoices",
            token("anna"),
            "{\"clientId\": \""
                + clientId
                + "\", \"number\": \"N-1005\", \"description\": \"Audit\", \"amountCents\":"
                + " \"1200\", \"currency\": \"EUR\", \"dueDate\": \"2030-01-31\","
                + " \"discount\": 5}");
    show("POST /invoices with amountCents as a string and an unknown field", strict);
    listErrors(strict);
    expect(
        strict.status() == 400 && strict.json().path("errors").size() >= 2,
        "strict JSON: 400 listing both bad fields",
        strict);
    TourClient.Answer invalid =
        api.send(
            "POST",
            "/invoices",
            token("anna"),
            "{\"clientId\": \""
                + clientId
                + "\", \"number\": \"\", \"description\": \"Audit\", \"amountCents\": -5,"
                + " \"currency\": \"EUR\", \"dueDate\": \"31/12/2030\"}");
    show("POST /invoices with an empty number, a negative amount and a non-ISO date", invalid);
    listErrors(invalid);
    expect(
        invalid.status() == 400 && invalid.json().path("errors").size() == 3,
        "validation: 400 listing all three fields",
        invalid);
    expect(
        strict.contentType().startsWith("application/problem+json"),
        "answered as application/problem+json",
        strict);
    guardrail(
        "StrictJson refused coercions and unknown fields; the ErrorBoundary turned InvalidInput"
            + " into an RFC 9457 problem with every field");
  }

  private void cache() {
    String id = invoiceId("anna", "N-1001");
    long before = llmRequests();
    for (int i = 1; i <= 3; i++) {
      TourClient.Answer s = api.send("POST", "/invoices/" + id + "/summary", token("anna"), null);
      JsonNode body = s.json();
      out.printf(
          "    POST /invoices/{N-1001}/summary as anna (#%d) -> %d, cached=%s, cost %s%n",
          i, s.status(), body.path("cached").asText(), body.path("cost").asText());
      expect(s.status() == 200, "summary " + i + ": 200", s);
      expect(
          body.path("cached").asBoolean() == (i > 1),
          i == 1 ? "the first is paid" : "a repeat comes from the cache at no cost",
          s);
    }
    long upstream = llmRequests() - before;
    out.println("    the paid model received " + upstream + " request(s) for 3 summaries");
    expect(upstream == 1, "one upstream call for three identical summaries", null);
    guardrail("GuardedCall's cache (per firm, identical prompts coalesce) sits before the budget");
  }

  private void budget() {
    long before = llmRequests();
    TourClient.Answer second =
        api.send(
            "POST", "/invoices/" + invoiceId("anna", "N-1003") + "/summary", token("anna"), null);
    out.printf(
        "    POST /invoices/{N-1003}/summary as anna -> %d, cost %s%n",
        second.status(), second.json().path("cost").asText());
    expect(second.status() == 200, "the second paid summary fits the budget: 200", second);
    TourClient.Answer third =
        api.send(
            "POST", "/invoices/" + invoiceId("anna", "N-1004") + "/summary", token("anna"), null);
    show("POST /invoices/{N-1004}/summary as anna", third);
    expect(
        third.status() == 429
            && third.json().path("code").asText().equals("budget_exceeded")
            && third.json().path("detail").asText().contains(Summaries.USER_BUDGET),
        "the third would exceed anna's daily budget: 429 budget_exceeded naming the budget",
        third);
    long upstream = llmRequests() - before;
    out.println("    the paid model received " + upstream + " request(s); the refused call none");
    expect(upstream == 1, "the refused call never reached the paid model", null);
    guardrail(
        "BudgetGuard reserved each call's worst-case price before the call and refused the one"
            + " that could overspend; nothing was billed after the fact");
  }

  private void outage() {
    String id = invoiceId("ben", "N-1002");
    llm.send("POST", "/control?mode=outage", null, null);
    out.println("    .. the fake paid model now answers 503 with Retry-After: 1");
    long before = llmRequests();
    for (int i = 1; i <= 6; i++) {
      long start = llmRequests();
      TourClient.Answer s = api.send("POST", "/invoices/" + id + "/summary", token("ben"), null);
      long attempts = llmRequests() - start;
      out.printf(
          "    POST /invoices/{N-1002}/summary as ben (#%d) -> %d %s, upstream attempts: %d%n",
          i, s.status(), s.json().path("code").asText(), attempts);
      expect(s.status() == 503, "call " + i + " during the outage: 503", s);
      if (i >= 5) {
        expect(attempts == 0, "call " + i + ": the breaker is open, no upstream attempt", s);
        expect(s.header("Retry-After").isPresent(), "call " + i + ": Retry-After is sent", s);
      }
    }
    long total = llmRequests() - before;
    out.println(
        "    6 calls made "
            + total
            + " upstream attempts; a naive client with 3 tries per call would have made 18,"
            + " and kept going");
    expect(total <= 6, "the retry budget and the breaker kept attempts to at most 6", null);
    llm.send("POST", "/control?mode=up", null, null);
    clock.advance(Summaries.BREAKER_OPEN.plusSeconds(1));
    out.println("    .. the model is back; the app's clock moves 31 seconds forward");
    TourClient.Answer back = api.send("POST", "/invoices/" + id + "/summary", token("ben"), null);
    show("POST /invoices/{N-1002}/summary as ben", back);
    expect(back.status() == 200, "after the open period a trial call succeeds: 200", back);
    guardrail(
        "GuardedCall: the first call retried twice after Retry-After, then the retry budget was"
            + " spent; the breaker opened once half of its last 6 calls had failed and answered"
            + " 503 at once, with Retry-After, until its trial call 30 s later");
  }

  private void auditTrail() {
    String id = invoiceIds.getOrDefault("N-1004", invoiceId("anna", "N-1004"));
    TourClient.Answer trail = api.get("/invoices/" + id + "/audit", token("ben"));
    out.println("    GET /invoices/{N-1004}/audit as ben (partner) -> " + trail.status());
    JsonNode entries = trail.json().path("entries");
    for (JsonNode e : entries) {
      out.printf(
          "      %s  %-6s by %s%s%n",
          e.path("at").asText(), e.path("action").asText(), e.path("actor").asText(), changes(e));
    }
    expect(trail.status() == 200, "a partner reads the trail: 200", trail);
    expect(
        entries.size() == 2
            && entries.path(0).path("actor").asText().equals("anna")
            && entries.path(0).path("action").asText().equals("INSERT")
            && entries.path(1).path("actor").asText().equals("ben")
            && entries.path(1).path("action").asText().equals("UPDATE"),
        "the trail shows anna's insert and ben's update, and no trace of the refused requests",
        trail);
    TourClient.Answer clerk = api.get("/invoices/" + id + "/audit", token("anna"));
    show("GET /invoices/{N-1004}/audit as anna (clerk)", clerk);
    expect(clerk.status() == 403, "a clerk may not read audit trails: 403", clerk);
    guardrail(
        "AuditedRepository wrote each change and its audit row (actor, correlation id, before and"
            + " after) in one transaction");
  }

  private void spend() {
    TourClient.Answer report = api.get("/spend", token("ben"));
    JsonNode body = report.json();
    out.println("    GET /spend as ben (partner) -> " + report.status());
    out.println("      per user: " + body.path("perUser"));
    out.println("      per day:  " + body.path("perDay"));
    out.println(
        "      total "
            + body.path("total").asText()
            + " for "
            + body.path("calls").asText()
            + " calls that reached the model ("
            + body.path("failures").asText()
            + " failed, billed nothing), "
            + body.path("averagePerCall").asText()
            + " per call; cache hits today: "
            + body.path("cacheHitsToday").asText());
    for (JsonNode b : body.path("budgets")) {
      out.printf(
          "      budget %-20s %-22s %s of %s (%s%%)%n",
          b.path("budget").asText(),
          b.path("scope").asText(),
          b.path("spent").asText(),
          b.path("limit").asText(),
          b.path("percentUsed").asText());
    }
    expect(report.status() == 200, "a partner reads the firm's spend: 200", report);
    expect(
        body.path("perUser").has("anna") && body.path("perUser").has("ben"),
        "cost per user lists anna and ben",
        report);
    expect(body.path("perDay").size() >= 1, "cost per day is reported", report);
    TourClient.Answer clerk = api.get("/spend", token("anna"));
    show("GET /spend as anna (clerk)", clerk);
    expect(clerk.status() == 403, "a clerk may not read the firm's spend: 403", clerk);
    guardrail("CostMeter: every paid call metered per user, firm, operation and day");
  }

  private void opsPage() {
    TourClient.Answer link = api.send("POST", "/ops/link", token("carla"), null);
    String url = link.json().path("url").asText();
    out.println("    POST /ops/link as carla (admin) -> " + link.status() + ", a 5-minute link");
    expect(link.status() == 200 && url.startsWith("/ops?ticket="), "an admin gets a link", link);
    TourClient.Answer page = api.get(url.isEmpty() ? "/ops" : url, null);
    out.println(
        "    GET /ops?ticket=... -> "
            + page.status()
            + " "
            + page.contentType()
            + ", "
            + page.text().length()
            + " characters, "
            + count(page.text(), "<svg")
            + " inline SVG charts and bars");
    expect(
        page.status() == 200
            && page.contentType().startsWith("text/html")
            && page.text().contains("id=\"spend-per-user\""),
        "the page renders with the spend chart",
        page);
    TourClient.Answer partner = api.send("POST", "/ops/link", token("ben"), null);
    show("POST /ops/link as ben (partner)", partner);
    expect(partner.status() == 403, "only admins get the operator page: 403", partner);
    opsUrl = url;
    guardrail(
        "a separate issuer signs the page's tickets for another audience: a ticket is no API"
            + " token, and an API token is no ticket");
  }

  // --- helpers -----------------------------------------------------------------------------

  private void loginAll() {
    for (String user : List.of("anna", "ben", "carla", "dmitri")) {
      TourClient.Answer login =
          api.send("POST", "/dev/login", null, "{\"username\": \"" + user + "\"}");
      if (login.status() != 200) {
        throw new IllegalStateException("dev login of " + user + " failed: " + login.brief());
      }
      JsonNode body = login.json();
      tokens.put(user, body.path("token").asText());
      out.printf(
          "    %-6s firm %-5s roles %s%n", user, body.path("firm").asText(), body.path("roles"));
    }
  }

  private String token(String user) {
    return Objects.requireNonNull(tokens.get(user), "no token for " + user);
  }

  private String invoiceId(String user, String number) {
    String known = invoiceIds.get(number);
    if (known != null) {
      return known;
    }
    TourClient.Answer list = api.get("/invoices", token(user));
    for (JsonNode invoice : list.json().path("invoices")) {
      invoiceIds.put(invoice.path("number").asText(), invoice.path("id").asText());
    }
    String id = invoiceIds.get(number);
    if (id == null) {
      throw new IllegalStateException(user + " cannot see invoice " + number + ": " + list.brief());
    }
    return id;
  }

  private String clientId(String user, String name) {
    TourClient.Answer list = api.get("/clients", token(user));
    for (JsonNode client : list.json().path("clients")) {
      if (client.path("name").asText().equals(name)) {
        return client.path("id").asText();
      }
    }
    throw new IllegalStateException(user + " cannot see client " + name + ": " + list.brief());
  }

  private long llmRequests() {
    return llm.get("/control", null).json().path("requests").asLong();
  }

  private void show(String what, TourClient.Answer answer) {
    out.println("    " + what + " -> " + answer.brief());
  }

  private void listErrors(TourClient.Answer answer) {
    for (JsonNode error : answer.json().path("errors")) {
      out.println("      " + error.path("field").asText() + ": " + error.path("detail").asText());
    }
  }

  private void guardrail(String text) {
    out.println("    guardrail: " + text);
  }

  private void expect(boolean condition, String expectation, TourClient.@Nullable Answer answer) {
    if (!condition) {
      failures.add(expectation + (answer == null ? "" : "; got " + answer.brief()));
    }
  }

  private static String changes(JsonNode entry) {
    JsonNode before = entry.path("before");
    JsonNode after = entry.path("after");
    if (!before.isObject() || !after.isObject()) {
      return "";
    }
    StringBuilder changed = new StringBuilder();
    after
        .fieldNames()
        .forEachRemaining(
            field -> {
              if (!before.path(field).equals(after.path(field)) && !field.equals("version")) {
                changed
                    .append(changed.length() == 0 ? ": " : ", ")
                    .append(field)
                    .append(' ')
                    .append(before.path(field).asText())
                    .append(" -> ")
                    .append(after.path(field).asText());
              }
            });
    return changed.toString();
  }

  private static long count(JsonNode invoices, String number) {
    long n = 0;
    for (JsonNode invoice : invoices) {
      if (invoice.path("number").asText().equals(number)) {
        n++;
      }
    }
    return n;
  }

  private static long count(String text, String part) {
    long n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
