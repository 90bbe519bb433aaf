package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.ActorKind;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.statistics.StatisticsReport.StatisticsReportMode;
import org.junit.jupiter.api.Test;

final class GuardrailsArbitrariesProperties {

  private static final Set<String> ROLES = Set.of("clerk", "partner", "admin");

  @Provide
  Arbitrary<Actor> actors() {
    return GuardrailsArbitraries.actors(ROLES);
  }

  @Provide
  Arbitrary<OwnedRecord> invoices() {
    return GuardrailsArbitraries.ownedRecords("invoice");
  }

  @Property(tries = 500)
  @StatisticsReport(StatisticsReportMode.OFF)
  void actorsAndRecords_fromSmallPools_coverSameAndOtherTenantAndOwner(
      @ForAll("actors") Actor actor, @ForAll("invoices") OwnedRecord invoice) {
    assertThat(ROLES).containsAll(actor.roles());
    if (actor.kind() == ActorKind.JOB) {
      assertThat(actor.roles()).isEmpty();
    }
    assertThat(invoice.type()).isEqualTo("invoice");
    boolean sameTenant = actor.tenantId().equals(invoice.tenantId());
    boolean owner = actor.id().equals(invoice.ownerId());
    Statistics.label("tenant").collect(sameTenant ? "same" : "other");
    Statistics.label("owner").collect(owner ? "owner" : "not owner");

    Statistics.label("tenant")
        .coverage(
            c -> {
              c.check("same").percentage(p -> p > 10);
              c.check("other").percentage(p -> p > 50);
            });
    Statistics.label("owner").coverage(c -> c.check("owner").count(n -> n > 0));
  }

  @Test
  void roles_emptyVocabulary_isRefused() {
    assertThatThrownBy(() -> GuardrailsArbitraries.roles(Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("role vocabulary must not be empty");
  }
}
