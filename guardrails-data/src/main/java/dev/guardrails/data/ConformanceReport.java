package dev.guardrails.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a {@link ConformanceCheck} found on a live database: the problems, grouped by table.
 *
 * <p>Immutable and thread-safe.
 *
 * @param checkedTables the tables inspected, in name order
 * @param problems every problem, in table order
 */
public record ConformanceReport(List<String> checkedTables, List<ConformanceProblem> problems) {

  /** Copies the lists. */
  public ConformanceReport {
    checkedTables = List.copyOf(checkedTables);
    problems = List.copyOf(problems);
  }

  /** {@return whether no problem was found} */
  public boolean passed() {
    return problems.isEmpty();
  }

  /** {@return the problems grouped by table, in table order} */
  public Map<String, List<ConformanceProblem>> byTable() {
    return problems.stream()
        .collect(
            Collectors.groupingBy(
                ConformanceProblem::table, LinkedHashMap::new, Collectors.toList()));
  }

  /**
   * Returns the kinds of problem found on one table.
   *
   * @param table the table
   * @return the kinds, in the order found; empty if the table passed
   */
  public List<ConformanceProblem.Kind> kinds(String table) {
    List<ConformanceProblem.Kind> kinds = new ArrayList<>();
    for (ConformanceProblem problem : problems) {
      if (problem.table().equals(table)) {
        kinds.add(problem.kind());
      }
    }
    return kinds;
  }

  /** {@return one line per problem, or "conformance check passed"} */
  @Override
  public String toString() {
    if (passed()) {
      return "conformance check passed on " + checkedTables.size() + " tables";
    }
    return problems.stream().map(ConformanceProblem::toString).collect(Collectors.joining("\n"));
  }
}
