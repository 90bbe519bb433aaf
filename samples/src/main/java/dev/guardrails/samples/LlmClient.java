package dev.guardrails.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.cost.UpstreamHttpException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The client of the paid language-model API, as a prototype would write it: one HTTP call, no
 * cache, no budget, no retry. {@link Summaries} wraps it in the cost guardrails.
 *
 * <p>Thread-safe.
 */
final class LlmClient {

  /**
   * A completion request.
   *
   * @param text the prompt
   * @param maxTokens the most output tokens the answer may use
   */
  record Prompt(String text, int maxTokens) {

    /** {@return the input tokens of the prompt, as the provider counts them} */
    int inputTokens() {
      return FakeLlm.tokens(text);
    }
  }

  /**
   * A completion.
   *
   * @param text the generated text
   * @param inputTokens the input tokens billed
   * @param outputTokens the output tokens billed
   */
  record Completion(String text, long inputTokens, long outputTokens) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI endpoint;
  private final Clock clock;

  LlmClient(URI baseUri, Clock clock) {
    this.endpoint = baseUri.resolve("/v1/complete");
    this.clock = clock;
  }

  /**
   * Calls the API.
   *
   * @param prompt the request
   * @return the completion
   * @throws UpstreamHttpException for an error status, with its Retry-After
   * @throws IOException if the API cannot be reached
   * @throws InterruptedException if interrupted while waiting
   */
  Completion complete(Prompt prompt) throws IOException, InterruptedException {
    byte[] body =
        JSON.writeValueAsBytes(Map.of("prompt", prompt.text(), "maxTokens", prompt.maxTokens()));
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw UpstreamHttpException.of(
          response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), clock);
    }
    JsonNode answer = JSON.readTree(response.body());
    return new Completion(
        answer.path("text").asText(),
        answer.path("inputTokens").asLong(),
        answer.path("outputTokens").asLong());
  }
}
