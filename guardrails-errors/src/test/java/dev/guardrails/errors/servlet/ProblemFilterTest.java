package dev.guardrails.errors.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.NotFound;
import dev.guardrails.core.RateLimited;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.LogCapture;
import dev.guardrails.errors.Problem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

final class ProblemFilterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ErrorBoundary boundary = ErrorBoundary.builder().random(new Random(5)).build();
  private final ProblemFilter filter =
      ProblemFilter.of(boundary, "X-Correlation-Id", new Random(6));

  /** A minimal in-memory request: method, URI, headers and attributes. */
  private static HttpServletRequest request(
      String method, String uri, Map<String, String> headers) {
    Map<String, Object> attributes = new HashMap<>();
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            ProblemFilterTest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, m, args) ->
                switch (m.getName()) {
                  case "getMethod" -> method;
                  case "getRequestURI" -> uri;
                  case "getHeader" -> headers.get((String) args[0]);
                  case "setAttribute" -> attributes.put((String) args[0], args[1]);
                  case "getAttribute" -> attributes.get((String) args[0]);
                  case "toString" -> "request " + method + " " + uri;
                  default -> throw new UnsupportedOperationException(m.getName());
                });
  }

  /** A minimal in-memory response that records status, headers and body. */
  static final class Response {
    int status = 200;
    String contentType;
    boolean committed;
    final Map<String, String> headers = new HashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final StringWriter written = new StringWriter();
    boolean writerTaken;

    HttpServletResponse proxy() {
      ServletOutputStream stream =
          new ServletOutputStream() {
            @Override
            public boolean isReady() {
              return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
              throw new UnsupportedOperationException();
            }

            @Override
            public void write(int b) {
              body.write(b);
            }
          };
      PrintWriter writer = new PrintWriter(written);
      return (HttpServletResponse)
          Proxy.newProxyInstance(
              ProblemFilterTest.class.getClassLoader(),
              new Class<?>[] {HttpServletResponse.class},
              (proxy, m, args) -> {
                switch (m.getName()) {
                  case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                  case "getHeader" -> {
                    return headers.get((String) args[0]);
                  }
                  case "setStatus" -> status = (Integer) args[0];
                  case "getStatus" -> {
                    return status;
                  }
                  case "setContentType" -> contentType = (String) args[0];
                  case "setContentLength" -> headers.put("Content-Length", String.valueOf(args[0]));
                  case "isCommitted" -> {
                    return committed;
                  }
                  case "reset" -> {
                    headers.clear();
                    body.reset();
                    status = 200;
                  }
                  case "getOutputStream" -> {
                    if (writerTaken) {
                      throw new IllegalStateException("getWriter() has already been called");
                    }
                    return stream;
                  }
                  case "getWriter" -> {
                    writerTaken = true;
                    return writer;
                  }
                  case "toString" -> {
                    return "response";
                  }
                  default -> throw new UnsupportedOperationException(m.getName());
                }
                return null;
              });
    }
  }

  @Test
  void doFilter_success_passesThroughWithCorrelation() throws Exception {
    Response response = new Response();
    HttpServletRequest request =
        request("GET", "/ok", Map.of("X-Correlation-Id", "corr-servlet-001"));
    String[] seen = new String[2];
    FilterChain chain =
        (req, res) -> {
          seen[0] = (String) req.getAttribute(ProblemFilter.CORRELATION_ATTRIBUTE);
          seen[1] = MDC.get("correlation_id");
        };
    filter.doFilter(request, response.proxy(), chain);
    assertThat(seen).containsExactly("corr-servlet-001", "corr-servlet-001");
    assertThat(response.headers).containsEntry("X-Correlation-Id", "corr-servlet-001");
    assertThat(response.status).isEqualTo(200);
    assertThat(MDC.get("correlation_id")).isNull();
  }

  @Test
  void doFilter_wrappedNotFound_problemJsonFromRootCause() throws Exception {
    Response response = new Response();
    FilterChain chain =
        (req, res) -> {
          throw new ServletException("wrapped", new NotFound("invoice", "inv-9"));
        };
    filter.doFilter(request("GET", "/invoices/inv-9", Map.of()), response.proxy(), chain);
    assertThat(response.status).isEqualTo(404);
    assertThat(response.contentType).isEqualTo(Problem.MEDIA_TYPE);
    JsonNode problem = JSON.readTree(response.body.toByteArray());
    assertThat(problem.get("detail").asText()).isEqualTo("The requested invoice was not found.");
    assertThat(problem.get("instance").asText()).isEqualTo("/invoices/inv-9");
    assertThat(problem.get("correlationId").asText())
        .isEqualTo(response.headers.get("X-Correlation-Id"));
  }

  @Test
  void doFilter_bugAfterWriterTaken_asciiJsonThroughWriter() throws Exception {
    Response response = new Response();
    FilterChain chain =
        (req, res) -> {
          res.getWriter();
          throw new IllegalStateException("boom \u201Cquoted\u201D");
        };
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      filter.doFilter(request("POST", "/x", Map.of()), response.proxy(), chain);
      assertThat(log.events()).hasSize(1);
    }
    assertThat(response.status).isEqualTo(500);
    JsonNode problem = JSON.readTree(response.written.toString());
    assertThat(problem.get("status").asInt()).isEqualTo(500);
    assertThat(response.written.toString()).doesNotContain("boom");
  }

  @Test
  void doFilter_stackOverflowAnsweredAsABug_outOfMemoryRethrownUnanswered() throws Exception {
    Response deep = new Response();
    filter.doFilter(
        request("GET", "/deep", Map.of()),
        deep.proxy(),
        (req, res) -> {
          throw new StackOverflowError();
        });
    assertThat(deep.status).isEqualTo(500);

    Response big = new Response();
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertThatThrownBy(
            () ->
                filter.doFilter(
                    request("GET", "/big", Map.of()),
                    big.proxy(),
                    (req, res) -> {
                      throw oom;
                    }))
        .isSameAs(oom);
    assertThat(big.body.size()).isZero();
  }

  @Test
  void doFilter_rateLimited_retryAfterHeader() throws Exception {
    Response response = new Response();
    FilterChain chain =
        (req, res) -> {
          throw new RateLimited("api", Duration.ofSeconds(12));
        };
    filter.doFilter(request("GET", "/x", Map.of()), response.proxy(), chain);
    assertThat(response.status).isEqualTo(429);
    assertThat(response.headers).containsEntry("Retry-After", "12");
  }

  @Test
  void doFilter_committedResponse_loggedOnceNothingWritten() throws Exception {
    Response response = new Response();
    response.committed = true;
    FilterChain chain =
        (req, res) -> {
          throw new IllegalStateException("late");
        };
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      filter.doFilter(request("GET", "/x", Map.of()), response.proxy(), chain);
      assertThat(log.events()).hasSize(1);
    }
    assertThat(response.body.size()).isZero();
  }

  @Test
  void asciiJson_escapesNonAscii() {
    assertThat(ProblemFilter.asciiJson("{\"d\":\"caf\u00e9\"}"))
        .isEqualTo("{\"d\":\"caf\\u00e9\"}");
  }
}
