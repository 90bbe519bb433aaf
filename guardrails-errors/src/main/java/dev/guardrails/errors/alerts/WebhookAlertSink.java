package dev.guardrails.errors.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.errors.spi.AlertSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Sends each alert as a JSON POST ({@link Alert#toMap()}, with a {@code text} member that chat
 * webhooks display) through {@code java.net.http}, with a per-request timeout and retries with
 * doubling backoff on I/O errors, 429 and 5xx. It never blocks the caller: alerts wait in a bounded
 * queue drained by one worker thread (see {@link AsyncAlertSink}); drops and failures are counted
 * in {@link #stats()} and logged. Logs name the webhook's host only, since webhook URLs often embed
 * a secret.
 *
 * <p>Thread-safe. Close it on shutdown.
 */
public final class WebhookAlertSink implements AlertSink, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AsyncAlertSink queue;

  private WebhookAlertSink(Builder b) {
    Poster poster = new Poster(b);
    AsyncAlertSink.Builder async =
        AsyncAlertSink.builder(poster).capacity(b.capacity).closeTimeout(b.closeTimeout);
    if (b.threadFactory != null) {
      async.threadFactory(b.threadFactory);
    }
    this.queue = async.build();
  }

  /**
   * Returns a builder for a webhook at the URI.
   *
   * @param uri the http or https endpoint
   * @return the builder
   * @throws NullPointerException if the URI is null
   * @throws IllegalArgumentException if the URI is not an absolute http or https URI
   */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * Queues the alert for delivery and returns at once.
   *
   * @param alert the alert
   * @throws NullPointerException if the alert is null
   */
  @Override
  public void send(Alert alert) {
    queue.send(alert);
  }

  @Override
  public String name() {
    return queue.name();
  }

  /** {@return a snapshot of the delivery counters} */
  public SinkStats stats() {
    return queue.stats();
  }

  /**
   * Stops taking alerts and delivers the queued ones within the close timeout; see {@link
   * AsyncAlertSink#close()}.
   */
  @Override
  public void close() {
    queue.close();
  }

  /** {@return the host and the counters} */
  @Override
  public String toString() {
    return "WebhookAlertSink[" + name() + " " + stats() + "]";
  }

  /** The blocking part: one POST with retries, on the worker thread. */
  private static final class Poster implements AlertSink {
    private final URI uri;
    private final String name;
    private final HttpClient client;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration backoff;
    private final Map<String, String> headers;

    Poster(Builder b) {
      this.uri = b.uri;
      this.name = "webhook " + b.uri.getHost();
      this.timeout = b.timeout;
      this.client =
          b.httpClient != null
              ? b.httpClient
              : HttpClient.newBuilder().connectTimeout(b.timeout).build();
      this.maxAttempts = b.maxAttempts;
      this.backoff = b.backoff;
      this.headers = Map.copyOf(b.headers);
    }

    @Override
    public void send(Alert alert) {
      byte[] body;
      try {
        body = JSON.writeValueAsBytes(alert.toMap());
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException("alert " + alert.fingerprint() + " could not be written", e);
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(request::header);
      HttpRequest built = request.build();
      String last = "no attempt";
      for (int attempt = 1; attempt <= maxAttempts; attempt++) {
        try {
          int status = exchange(built);
          if (status >= 200 && status < 300) {
            return;
          }
          last = "status " + status;
          if (status != 429 && status < 500) {
            break;
          }
        } catch (IOException e) {
          last = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(name + " was interrupted while sending an alert", e);
        }
        if (attempt < maxAttempts && !pause(backoff.multipliedBy(1L << (attempt - 1)))) {
          last += ", then interrupted";
          break;
        }
      }
      throw new IllegalStateException(
          name + " did not accept alert " + alert.fingerprint() + ": " + last);
    }

    /**
     * Sends the request and returns the status once the whole response has arrived, within the
     * timeout. The request's own timeout ends when the response headers arrive, so a webhook that
     * sends its headers and then stalls its body would hold the worker, and every alert after it,
     * for good.
     */
    private int exchange(HttpRequest request) throws IOException, InterruptedException {
      CompletableFuture<HttpResponse<Void>> response =
          client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
      try {
        return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
      } catch (TimeoutException e) {
        response.cancel(true);
        throw new HttpTimeoutException("no complete response within " + timeout);
      } catch (InterruptedException e) {
        response.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new IOException(name + " failed", cause);
      }
    }

    private static boolean pause(Duration delay) {
      if (delay.isZero()) {
        return true;
      }
      try {
        Thread.sleep(delay.toMillis());
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public String name() {
      return name;
    }
  }

  /**
   * Builds a {@link WebhookAlertSink}. Defaults: a 5-second request and connect timeout, 3 attempts
   * with a 500 ms backoff that doubles, a queue of 1,000 alerts, a 5-second close timeout.
   *
   * <p>Not thread-safe; {@link #build()} copies.
   */
  public static final class Builder {
    private final URI uri;
    private Duration timeout = Duration.ofSeconds(5);
    private int maxAttempts = 3;
    private Duration backoff = Duration.ofMillis(500);
    private int capacity = 1_000;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable HttpClient httpClient;
    private @Nullable ThreadFactory threadFactory;

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute()
          || uri.getHost() == null
          || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new IllegalArgumentException(
            "webhook uri must be an absolute http or https uri, but had scheme '"
                + scheme
                + "' and host '"
                + uri.getHost()
                + "'");
      }
      this.uri = uri;
    }

    /**
     * Sets the timeout of each attempt, from sending the request to the end of the response body
     * (and of connecting, unless an {@link #httpClient} is set).
     *
     * @param value the timeout, positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is not positive
     */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, but was " + value);
      }
      this.timeout = value;
      return this;
    }

    /**
     * Sets the attempts per alert and the backoff before the second attempt, doubling after.
     *
     * @param attempts the attempts, 1 to 10
     * @param initialBackoff the first backoff, zero or positive
     * @return this builder
     * @throws NullPointerException if the backoff is null
     * @throws IllegalArgumentException if attempts is outside 1 to 10 or the backoff is negative
     */
    public Builder retry(int attempts, Duration initialBackoff) {
      if (attempts < 1 || attempts > 10) {
        throw new IllegalArgumentException(
            "attempts must be between 1 and 10, but was " + attempts);
      }
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      if (initialBackoff.isNegative()) {
        throw new IllegalArgumentException(
            "initial backoff must not be negative, but was " + initialBackoff);
      }
      this.maxAttempts = attempts;
      this.backoff = initialBackoff;
      return this;
    }

    /**
     * Sets how many alerts may wait for delivery.
     *
     * @param value the capacity, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder capacity(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("queue capacity must be at least 1, but was " + value);
      }
      this.capacity = value;
      return this;
    }

    /**
     * Sets how long {@link #close()} waits for queued alerts.
     *
     * @param value the timeout, zero or positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is negative
     */
    public Builder closeTimeout(Duration value) {
      Objects.requireNonNull(value, "closeTimeout");
      if (value.isNegative()) {
        throw new IllegalArgumentException("close timeout must not be negative, but was " + value);
      }
      this.closeTimeout = value;
      return this;
    }

    /**
     * Adds a header to every request, e.g. an authorization token.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank or either contains a line break
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank() || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
        throw new IllegalArgumentException(
            "header name must be a single non-blank line, but was '" + name + "'");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header '" + name + "' must not contain a line break");
      }
      headers.put(name, value);
      return this;
    }

    /**
     * Sets the HTTP client, e.g. one with a proxy or custom TLS.
     *
     * @param value the client
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder httpClient(HttpClient value) {
      this.httpClient = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /**
     * Sets the factory of the worker thread.
     *
     * @param value the factory
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder threadFactory(ThreadFactory value) {
      this.threadFactory = Objects.requireNonNull(value, "threadFactory");
      return this;
    }

    /** {@return the sink, with its worker started} */
    public WebhookAlertSink build() {
      return new WebhookAlertSink(this);
    }
  }
}
