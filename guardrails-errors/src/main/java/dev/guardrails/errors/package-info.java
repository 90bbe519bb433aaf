/**
 * The error path made loud: every failure caught, logged once with context, surfaced helpfully and
 * alerted.
 *
 * <ul>
 *   <li>{@link dev.guardrails.errors.ErrorBoundary} wraps a unit of work: results pass through, a
 *       failure is classified ({@link dev.guardrails.errors.FailureClass}), logged once with the
 *       {@code GuardContext} and an incident id in the MDC, alerted, and turned into an RFC 9457
 *       {@link dev.guardrails.errors.Problem} that holds nothing internal.
 *   <li>{@link dev.guardrails.errors.ProblemMappings} is the extensible table from exception types
 *       to problems; core's exceptions are mapped by default.
 *   <li>Adapters: {@link dev.guardrails.errors.http.ProblemHttpHandler} for the JDK {@code
 *       HttpServer} and {@link dev.guardrails.errors.servlet.ProblemFilter} for Servlet containers.
 *   <li>{@link dev.guardrails.errors.alerts.AlertPipeline}: deduplicated, rate-limited alerts to
 *       the log, a webhook or memory. {@link dev.guardrails.errors.json.StrictJson}: strict input.
 *       {@link dev.guardrails.errors.jobs.JobSupervisor}: supervised jobs. {@link
 *       dev.guardrails.errors.scan.SwallowedExceptionScanner}: finds swallowed exceptions.
 * </ul>
 *
 * <h2>Structured logs</h2>
 *
 * <p>The library logs through SLF4J only. Log as JSON with the MDC included, so that one search by
 * {@code correlation_id} finds a request's log lines, its problem ({@code correlationId}), its
 * alert and its audit and cost records. The MDC keys are {@code correlation_id}, {@code actor_id},
 * {@code tenant_id} (bound by {@code GuardContext.open()}), {@code incident_id} (while a failure or
 * an alert is logged) and {@code alert_fingerprint} (alert lines). Alerts go to the logger {@value
 * dev.guardrails.errors.alerts.AlertSinks#ALERT_LOGGER} with the marker {@code GUARDRAILS_ALERT}. A
 * tested Logback 1.5 configuration ({@code JsonEncoder}, no extra library) is in this module's test
 * resources as {@code logback-json-example.xml}.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors;

import org.jspecify.annotations.NullMarked;
