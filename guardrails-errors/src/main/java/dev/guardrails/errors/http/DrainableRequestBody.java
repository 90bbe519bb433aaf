package dev.guardrails.errors.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * The request body as a wrapped handler sees it. Closing it ends the handler's reading but leaves
 * the connection's stream open, so that what the handler left unread can be {@linkplain
 * #drain(long) drained} before a problem is answered: a server that answers while the client is
 * still sending and then closes the connection makes the client's socket reset, and the reset
 * discards the answer the client had not read yet.
 *
 * <p>Not thread-safe; used by the thread that handles the exchange.
 */
final class DrainableRequestBody extends FilterInputStream {

  private static final int BUFFER_BYTES = 8 * 1024;

  private final long declaredLength;
  private final ConnectionFailures failures = new ConnectionFailures();
  private long consumed;
  private boolean closed;

  /**
   * Wraps a request body.
   *
   * @param body the connection's request body stream
   * @param declaredLength the length the request declared in its {@code Content-Length} header, or
   *     -1 if it declared none (a chunked body) or an unreadable one
   */
  DrainableRequestBody(InputStream body, long declaredLength) {
    super(body);
    this.declaredLength = declaredLength;
  }

  /**
   * Parses a {@code Content-Length} header value.
   *
   * @param header the header value, or null
   * @return the declared length, or -1 if there is none or it is not a non-negative number
   */
  static long declaredLength(@Nullable String header) {
    if (header == null) {
      return -1;
    }
    String value = header.trim();
    if (value.isEmpty()) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    // 18 digits always fit a long; a longer length is beyond any limit anyway
    return value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
  }

  /** {@return the exceptions the connection threw at the handler, shared with the response} */
  ConnectionFailures failures() {
    return failures;
  }

  @Override
  public int read() throws IOException {
    ensureOpen();
    int b;
    try {
      b = super.read();
    } catch (IOException e) {
      throw failures.record(e);
    }
    if (b >= 0) {
      consumed++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    int read;
    try {
      read = super.read(b, off, len);
    } catch (IOException e) {
      throw failures.record(e);
    }
    if (read > 0) {
      consumed += read;
    }
    return read;
  }

  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    long skipped;
    try {
      skipped = super.skip(n);
    } catch (IOException e) {
      throw failures.record(e);
    }
    if (skipped > 0) {
      consumed += skipped;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    ensureOpen();
    return super.available();
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Ends the handler's reading; the connection's stream stays open for {@link #drain(long)}. */
  @Override
  public void close() {
    closed = true;
  }

  /**
   * Reads and discards what is left of the body, at most {@code limit} bytes. When the request
   * declared its length and what is left of it is already known to exceed the limit, nothing is
   * read: reading megabytes only to give up would waste the server's time, and the connection is
   * closed anyway.
   *
   * @param limit the most bytes to discard, zero or more; {@link Long#MAX_VALUE} for no limit
   * @return true if the body was read to its end, false if more than {@code limit} bytes were left
   * @throws IOException if the body could not be read, e.g. because the client went away
   */
  boolean drain(long limit) throws IOException {
    if (declaredLength >= 0 && declaredLength - consumed > limit) {
      return false;
    }
    byte[] buffer = new byte[BUFFER_BYTES];
    long left = limit;
    while (true) {
      // one byte more than may be discarded tells a body over the limit from one that ends there
      int chunk = left >= buffer.length ? buffer.length : (int) left + 1;
      int read = in.read(buffer, 0, chunk);
      if (read < 0) {
        return true;
      }
      if (read > left) {
        return false;
      }
      left -= read;
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the request body was closed");
    }
  }
}
