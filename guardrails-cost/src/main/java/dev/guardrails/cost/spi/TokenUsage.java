package dev.guardrails.cost.spi;

/**
 * Tokens of a language-model call: sent (input, prompt) and received (output, completion).
 *
 * @param inputTokens input tokens, not negative
 * @param outputTokens output tokens, not negative
 */
public record TokenUsage(long inputTokens, long outputTokens) {

  /**
   * Validates the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public TokenUsage {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative, but were " + inputTokens + " and " + outputTokens);
    }
  }
}
