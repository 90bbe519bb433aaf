package dev.guardrails.samples;

import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import dev.guardrails.cost.BudgetStatus;
import dev.guardrails.cost.MeterRow;
import dev.guardrails.cost.MeterTotals;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the firm's paid calls cost: per user, per day, per call, and how much of each budget is
 * used; built from the {@link dev.guardrails.cost.CostMeter} and the budget guard for one firm.
 *
 * @param firm the firm
 * @param rows one row per day, user and operation
 * @param perUser cost per user
 * @param perDay cost per day
 * @param total the firm's total
 * @param calls calls that reached the upstream
 * @param failures of those, the failed ones
 * @param averagePerCall the average cost of a call
 * @param cacheHitsToday summaries answered from the cache today (all firms)
 * @param budgets the budget use of the firm and each of its users
 * @param breaker the state of the summary call's circuit breaker
 */
public record SpendReport(
    String firm,
    List<Row> rows,
    Map<String, String> perUser,
    Map<String, String> perDay,
    String total,
    long calls,
    long failures,
    String averagePerCall,
    long cacheHitsToday,
    List<BudgetView> budgets,
    String breaker) {

  /**
   * One meter row.
   *
   * @param day the day
   * @param user the user
   * @param operation the operation
   * @param calls its calls
   * @param failures the failed ones
   * @param cost their cost
   * @param costMicros their cost in micro-dollars, for charts
   */
  public record Row(
      String day,
      String user,
      String operation,
      long calls,
      long failures,
      String cost,
      long costMicros) {}

  /**
   * One budget's use.
   *
   * @param budget the budget's name
   * @param scope whose spending it counts
   * @param spent spent this period
   * @param limit the limit
   * @param percentUsed spent and reserved, in percent of the limit
   * @param resetsAt when it resets
   */
  public record BudgetView(
      String budget, String scope, String spent, String limit, int percentUsed, String resetsAt) {}

  static SpendReport of(String tenantId, Summaries summaries, Clock clock) {
    List<MeterRow> meterRows = summaries.meter().query().tenant(tenantId).rows();
    List<Row> rows = new ArrayList<>();
    Map<String, Long> perUser = new TreeMap<>();
    Map<String, Long> perDay = new TreeMap<>();
    for (MeterRow r : meterRows) {
      rows.add(
          new Row(
              r.day().toString(),
              r.actorId(),
              r.operation(),
              r.calls(),
              r.failures(),
              r.cost().toString(),
              r.cost().micros()));
      perUser.merge(r.actorId(), r.cost().micros(), Long::sum);
      perDay.merge(r.day().toString(), r.cost().micros(), Long::sum);
    }
    MeterTotals totals = summaries.meter().query().tenant(tenantId).total();
    Map<String, BudgetView> budgets = new LinkedHashMap<>();
    for (Actor user : DemoUsers.ofFirm(tenantId)) {
      for (BudgetStatus s : summaries.budgetStatus(user)) {
        Money used = s.spent().plus(s.reserved());
        int percent =
            s.limit().isZero()
                ? 100
                : (int) Math.min(100, used.micros() * 100 / s.limit().micros());
        budgets.putIfAbsent(
            s.scopeKey(),
            new BudgetView(
                s.budgetName(),
                s.scopeKey(),
                s.spent().toString(),
                s.limit().toString(),
                percent,
                s.resetsAt().toString()));
      }
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return new SpendReport(
        tenantId,
        rows,
        money(perUser),
        money(perDay),
        totals.cost().toString(),
        totals.calls(),
        totals.failures(),
        totals.averagePerCall().toString(),
        summaries.meter().hits(Summaries.OPERATION, today),
        List.copyOf(budgets.values()),
        summaries.breakerState().name());
  }

  private static Map<String, String> money(Map<String, Long> micros) {
    Map<String, String> out = new LinkedHashMap<>();
    micros.forEach((k, v) -> out.put(k, Money.ofMicros(v, DeskConfig.USD).toString()));
    return out;
  }
}
