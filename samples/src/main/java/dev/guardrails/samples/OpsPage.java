package dev.guardrails.samples;

import dev.guardrails.core.Money;
import dev.guardrails.errors.alerts.Alert;
import dev.guardrails.errors.jobs.JobStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the operator page: one self-contained HTML document (inline CSS and SVG, no script, no
 * build step) with the firm's spend per user and per day as bar charts, the cost per call, budget
 * use, recent alerts, the audit trail and the jobs. Every value is HTML-escaped.
 */
final class OpsPage {

  private static final int BAR_WIDTH = 360;

  private OpsPage() {}

  /**
   * Renders the page.
   *
   * @param firmName the firm's name
   * @param now the time of the snapshot
   * @param spend the firm's spend
   * @param alerts recent alerts, newest first
   * @param audit recent audit entries, newest first
   * @param jobs the supervised jobs
   * @return the HTML
   */
  static String render(
      String firmName,
      Instant now,
      SpendReport spend,
      List<Alert> alerts,
      List<AuditTrail.Entry> audit,
      List<JobStatus> jobs) {
    StringBuilder h = new StringBuilder(8_192);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Invoice Desk operations</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}")
        .append("h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}")
        .append("table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;")
        .append("border-bottom:1px solid #ddd;text-align:left;vertical-align:top}")
        .append(".num{text-align:right;font-variant-numeric:tabular-nums}")
        .append(".bar{fill:#3a7bd5}.label{font-size:12px}.muted{color:#777}")
        .append("</style></head><body>");
    h.append("<h1>Invoice Desk operations: ").append(esc(firmName)).append("</h1>");
    h.append("<p class=\"muted\">Snapshot at ")
        .append(esc(now.toString()))
        .append(". Summary breaker: <strong id=\"breaker\">")
        .append(esc(spend.breaker()))
        .append("</strong>. Cache hits today: ")
        .append(spend.cacheHitsToday())
        .append(".</p>");

    h.append("<h2>Spend on the language model</h2>");
    h.append("<p>Total ")
        .append(esc(spend.total()))
        .append(" for ")
        .append(spend.calls())
        .append(" paid calls (")
        .append(spend.failures())
        .append(" failed); ")
        .append(esc(spend.averagePerCall()))
        .append(" per call on average.</p>");
    h.append("<h3>Per user</h3>").append(chart("spend-per-user", spend.rows(), true));
    h.append("<h3>Per day</h3>").append(chart("spend-per-day", spend.rows(), false));
    h.append("<table id=\"spend-rows\"><tr><th>day</th><th>user</th><th>operation</th>")
        .append(
            "<th class=\"num\">calls</th><th class=\"num\">failed</th><th class=\"num\">cost</th></tr>");
    for (SpendReport.Row r : spend.rows()) {
      h.append("<tr class=\"spend-row\"><td>")
          .append(esc(r.day()))
          .append("</td><td>")
          .append(esc(r.user()))
          .append("</td><td>")
          .append(esc(r.operation()))
          .append("</td><td class=\"num\">")
          .append(r.calls())
          .append("</td><td class=\"num\">")
          .append(r.failures())
          .append("</td><td class=\"num\">")
          .append(esc(r.cost()))
          .append("</td></tr>");
    }
    if (spend.rows().isEmpty()) {
      h.append("<tr><td colspan=\"6\" class=\"muted\">No paid calls yet.</td></tr>");
    }
    h.append("</table>");

    h.append("<h2>Budgets</h2><table id=\"budgets\"><tr><th>budget</th><th>scope</th>")
        .append(
            "<th class=\"num\">spent</th><th class=\"num\">limit</th><th>used</th><th>resets</th></tr>");
    for (SpendReport.BudgetView b : spend.budgets()) {
      h.append("<tr><td>")
          .append(esc(b.budget()))
          .append("</td><td>")
          .append(esc(b.scope()))
          .append("</td><td class=\"num\">")
          .append(esc(b.spent()))
          .append("</td><td class=\"num\">")
          .append(esc(b.limit()))
          .append("</td><td><svg width=\"104\" height=\"12\" role=\"img\" aria-label=\"")
          .append(b.percentUsed())
          .append(
              "% used\"><rect width=\"104\" height=\"12\" fill=\"#eee\"/><rect class=\"bar\" width=\"")
          .append(b.percentUsed() * 104 / 100)
          .append("\" height=\"12\"/></svg> ")
          .append(b.percentUsed())
          .append("%</td><td>")
          .append(esc(b.resetsAt()))
          .append("</td></tr>");
    }
    h.append("</table>");

    h.append("<h2>Recent alerts</h2><table id=\"alerts\"><tr><th>last seen</th><th>severity</th>")
        .append("<th>alert</th><th class=\"num\">times</th><th>incident</th></tr>");
    for (Alert a : alerts) {
      h.append("<tr class=\"alert-row\"><td>")
          .append(esc(a.lastSeen().toString()))
          .append("</td><td>")
          .append(esc(a.severity().name()))
          .append("</td><td>")
          .append(esc(a.title()))
          .append("</td><td class=\"num\">")
          .append(a.occurrences())
          .append("</td><td>")
          .append(esc(a.incidentId() == null ? "" : a.incidentId()))
          .append("</td></tr>");
    }
    if (alerts.isEmpty()) {
      h.append("<tr><td colspan=\"5\" class=\"muted\">No alerts.</td></tr>");
    }
    h.append("</table>");

    h.append("<h2>Audit trail</h2><table id=\"audit\"><tr><th>when</th><th>who</th>")
        .append("<th>did</th><th>record</th></tr>");
    for (AuditTrail.Entry e : audit) {
      h.append("<tr class=\"audit-row\"><td>")
          .append(esc(e.at()))
          .append("</td><td>")
          .append(esc(e.actor()))
          .append(" <span class=\"muted\">(")
          .append(esc(e.actorKind().toLowerCase(Locale.ROOT)))
          .append(")</span></td><td>")
          .append(esc(e.action()))
          .append("</td><td>")
          .append(esc(e.table()))
          .append(" ")
          .append(esc(e.recordId()))
          .append("</td></tr>");
    }
    h.append("</table>");

    h.append("<h2>Jobs</h2><table id=\"jobs\"><tr><th>job</th><th>state</th><th>last success</th>")
        .append("<th>next run</th><th>stale</th></tr>");
    for (JobStatus j : jobs) {
      h.append("<tr><td>")
          .append(esc(j.name()))
          .append("</td><td>")
          .append(esc(j.state().name()))
          .append("</td><td>")
          .append(esc(String.valueOf(j.lastSuccess())))
          .append("</td><td>")
          .append(esc(String.valueOf(j.nextRunAt())))
          .append("</td><td>")
          .append(j.stale() ? "<strong>yes</strong>" : "no")
          .append("</td></tr>");
    }
    h.append("</table></body></html>");
    return h.toString();
  }

  /** A horizontal bar chart of cost per user or per day, as inline SVG. */
  private static String chart(String id, List<SpendReport.Row> rows, boolean perUser) {
    TreeMap<String, Long> totals = new TreeMap<>();
    for (SpendReport.Row r : rows) {
      totals.merge(perUser ? r.user() : r.day(), r.costMicros(), Long::sum);
    }
    if (!perUser && !totals.isEmpty()) {
      LocalDate last = LocalDate.parse(totals.lastKey());
      for (int i = 1; i < 7; i++) {
        totals.putIfAbsent(last.minusDays(i).toString(), 0L);
      }
    }
    long max = Math.max(1, totals.values().stream().mapToLong(Long::longValue).max().orElse(1));
    List<String> bars = new ArrayList<>();
    int y = 0;
    for (Map.Entry<String, Long> e : totals.entrySet()) {
      long width = e.getValue() * BAR_WIDTH / max;
      bars.add(
          "<text class=\"label\" x=\"0\" y=\""
              + (y + 13)
              + "\">"
              + esc(e.getKey())
              + "</text><rect class=\"bar\" x=\"110\" y=\""
              + (y + 2)
              + "\" width=\""
              + width
              + "\" height=\"14\"><title>"
              + esc(e.getKey() + ": " + Money.ofMicros(e.getValue(), DeskConfig.USD))
              + "</title></rect><text class=\"label\" x=\""
              + (116 + width)
              + "\" y=\""
              + (y + 13)
              + "\">"
              + esc(Money.ofMicros(e.getValue(), DeskConfig.USD).toString())
              + "</text>");
      y += 20;
    }
    if (bars.isEmpty()) {
      return "<p class=\"muted\">No spend yet.</p>";
    }
    return "<svg id=\""
        + id
        + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\""
        + y
        + "\" role=\"img\" aria-label=\""
        + (perUser ? "spend per user" : "spend per day")
        + "\">"
        + String.join("", bars)
        + "</svg>";
  }

  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
