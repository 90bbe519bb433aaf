package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Actor;
import dev.guardrails.testkit.TenantIsolation.TenantPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;

/** The pairs {@link TenantIsolation#tenantPairs()} hands out, without a database. */
final class TenantPairsProperties {

  private static final String LONGEST = "tenant-1" + "t".repeat(Actor.MAX_LENGTH - 8);

  @Provide
  Arbitrary<TenantPair> pairs() {
    return TenantIsolation.tenantPairs();
  }

  @Property(tries = 1000)
  void tenantPairs_always_twoDifferentValidTenantIds(@ForAll("pairs") TenantPair pair) {
    assertThat(pair.tenant()).isNotEqualTo(pair.otherTenant());
    assertThat(Actor.service("s", pair.tenant()).tenantId()).isEqualTo(pair.tenant());
    assertThat(Actor.service("s", pair.otherTenant()).tenantId()).isEqualTo(pair.otherTenant());
  }

  @Example
  void tenantPairs_edgeCases_holdEveryNearMissInBothOrders() {
    List<TenantPair> edgeCases = new ArrayList<>();
    for (Shrinkable<TenantPair> edgeCase : TenantIsolation.tenantPairs().edgeCases()) {
      edgeCases.add(edgeCase.value());
    }

    assertThat(edgeCases)
        .contains(
            new TenantPair("tenant-1", "TENANT-1"),
            new TenantPair("TENANT-1", "tenant-1"),
            new TenantPair("tenant-1", "tenant-1 "),
            new TenantPair("tenant-1 ", "tenant-1"),
            new TenantPair("tenant-1", "tenant-10"),
            new TenantPair("tenant-10", "tenant-1"),
            new TenantPair("tenant-1", "tenant-%"),
            new TenantPair("tenant-%", "tenant-1"),
            new TenantPair("tenant-1", "tenant-_"),
            new TenantPair("tenant-_", "tenant-1"),
            new TenantPair(LONGEST, LONGEST.substring(0, Actor.MAX_LENGTH - 1) + "u"),
            new TenantPair(LONGEST.substring(0, Actor.MAX_LENGTH - 1) + "u", LONGEST));
  }

  @Example
  void tenantPairs_randomlyGenerated_areNearMissesAtLeastHalfTheTime() {
    RandomGenerator<TenantPair> generator = TenantIsolation.tenantPairs().generator(100);
    Random random = new Random(42);
    int nearMisses = 0;
    int samples = 400;
    for (int i = 0; i < samples; i++) {
      TenantPair pair = generator.next(random).value();
      if (nearMiss(pair.tenant(), pair.otherTenant())
          || nearMiss(pair.otherTenant(), pair.tenant())) {
        nearMisses++;
      }
    }

    assertThat(nearMisses).isGreaterThanOrEqualTo(samples / 2);
  }

  /** Whether b is a, but for case, a trailing space, a suffix or a last character. */
  private static boolean nearMiss(String a, String b) {
    return a.equalsIgnoreCase(b)
        || b.startsWith(a)
        || (a.length() == b.length()
            && a.substring(0, a.length() - 1).equals(b.substring(0, b.length() - 1)));
  }
}
