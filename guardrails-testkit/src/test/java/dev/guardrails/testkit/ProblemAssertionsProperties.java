package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.opentest4j.AssertionFailedError;

/** Escaping a text the way JSON writers do neither hides a leak nor invents one. */
final class ProblemAssertionsProperties {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Ways a JSON writer may escape a string's content. */
  enum Escaping {
    JACKSON,
    SLASHES_TOO,
    EVERY_CHARACTER,
    TWICE;

    String apply(String text) {
      return switch (this) {
        case JACKSON -> jackson(text);
        case SLASHES_TOO -> jackson(text).replace("/", "\\/");
        case EVERY_CHARACTER -> everyCharacter(text);
        case TWICE -> jackson(jackson(text));
      };
    }
  }

  @Property
  void assertNoLeak_leakCaughtAsIs_isCaughtEscapedToo(
      @ForAll("leaks") String leak,
      @ForAll("words") String before,
      @ForAll("words") String after,
      @ForAll Escaping escaping) {
    String text = before + " " + leak + " " + after;
    String escaped = escaping.apply(text);

    assertThatThrownBy(() -> ProblemAssertions.assertNoLeak(text))
        .isInstanceOf(AssertionFailedError.class);
    assertThatThrownBy(() -> ProblemAssertions.assertNoLeak(escaped))
        .as("escaped %s: %s", escaping, escaped)
        .isInstanceOf(AssertionFailedError.class);
  }

  @Property
  void assertNoLeak_cleanTextEscaped_staysClean(
      @ForAll("words") String text, @ForAll Escaping escaping) {
    assertThatCode(() -> ProblemAssertions.assertNoLeak(escaping.apply(text)))
        .doesNotThrowAnyException();
  }

  @Provide
  Arbitrary<String> leaks() {
    return Arbitraries.of(
        List.of(
            "java.lang.IllegalStateException: boom\n\tat app.Main.run(Main.kt:3)",
            "boom\n\tat app.Main.run(Unknown Source)",
            "ERROR: duplicate key value violates unique constraint \"clients_email_key\"",
            "relation \"invoices\" does not exist",
            "Key (email)=(anna@acme.example) already exists.",
            "not found where id = '5'",
            "could not open /home/app/secrets.yml",
            "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
            "key sk_live_51HxxxxxxxxxxxxxxAbc"));
  }

  @Provide
  Arbitrary<String> words() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .ofMinLength(1)
        .ofMaxLength(8)
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(list -> String.join(" ", list) + ", caf\u00e9 \u201cok\u201d");
  }

  private static String jackson(String text) {
    try {
      String quoted = MAPPER.writeValueAsString(text);
      return quoted.substring(1, quoted.length() - 1);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String everyCharacter(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
    return out.toString();
  }
}
