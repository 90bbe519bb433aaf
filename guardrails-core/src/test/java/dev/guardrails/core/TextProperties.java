package dev.guardrails.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class TextProperties {

  /** Any duration, the extremes included, is described as its seconds rounded up, at least 1. */
  @Property
  void seconds_anyDuration_wholeSecondsRoundedUpAtLeastOne(@ForAll("durations") Duration wait) {
    BigInteger roundedUp =
        BigInteger.valueOf(wait.getSeconds())
            .add(wait.getNano() > 0 ? BigInteger.ONE : BigInteger.ZERO)
            .max(BigInteger.ONE);

    assertThat(Text.seconds(wait))
        .isEqualTo(roundedUp.equals(BigInteger.ONE) ? "1 second" : roundedUp + " seconds");
  }

  @Provide
  Arbitrary<Duration> durations() {
    Arbitrary<Long> seconds =
        Arbitraries.oneOf(
            Arbitraries.longs(),
            Arbitraries.longs().between(-2, 100),
            Arbitraries.longs().between(Long.MAX_VALUE - 2, Long.MAX_VALUE));
    Arbitrary<Integer> nanos =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 999_999_999), Arbitraries.of(0, 1, 999_999_999));
    return Combinators.combine(seconds, nanos).as(Duration::ofSeconds);
  }
}
