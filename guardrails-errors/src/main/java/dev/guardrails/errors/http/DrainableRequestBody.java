package dev.guardrails.errors.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

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

  private boolean closed;

  DrainableRequestBody(InputStream body) {
    super(body);
  }

  @Override
  public int read() throws IOException {
    ensureOpen();
    return super.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    return super.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    return super.skip(n);
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
   * Reads and discards what is left of the body, at most {@code limit} bytes.
   *
   * @param limit the most bytes to discard
   * @return true if the body was read to its end, false if more than {@code limit} bytes were left
   * @throws IOException if the body could not be read, e.g. because the client went away
   */
  boolean drain(long limit) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long left = limit;
    while (left >= 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left + 1));
      if (read < 0) {
        return true;
      }
      left -= read;
    }
    return false;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the request body was closed");
    }
  }
}
