package dev.guardrails.errors.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The response body as a wrapped handler sees it: the connection's stream, recording the exceptions
 * it throws so that a client that went away while its response was written can be told from a
 * server-side failure with the same message.
 *
 * <p>Not thread-safe; used by the thread that handles the exchange.
 */
final class RecordingResponseBody extends OutputStream {

  private final OutputStream out;
  private final ConnectionFailures failures;

  RecordingResponseBody(OutputStream out, ConnectionFailures failures) {
    this.out = out;
    this.failures = failures;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw failures.record(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw failures.record(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw failures.record(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } catch (IOException e) {
      throw failures.record(e);
    }
  }
}
