package dev.guardrails.errors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class DrainableRequestBodyTest {

  /**
   * A body that counts what is read from it and refuses a read of zero bytes, on which a draining
   * loop would spin forever.
   */
  private static final class CountingBody extends InputStream {
    private final ByteArrayInputStream bytes;
    long read;
    int emptyReads;

    CountingBody(int size) {
      this.bytes = new ByteArrayInputStream(new byte[size]);
    }

    @Override
    public int read() {
      int b = bytes.read();
      if (b >= 0) {
        read++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len <= 0 && ++emptyReads > 100) {
        throw new IOException("reads of " + len + " bytes cannot make progress");
      }
      int n = bytes.read(b, off, len);
      if (n > 0) {
        read += n;
      }
      return n;
    }
  }

  @Test
  void drain_unlimited_readsTheWholeBody() throws IOException {
    CountingBody in = new CountingBody(100_000);
    DrainableRequestBody body = new DrainableRequestBody(in, -1);
    assertThat(body.drain(Long.MAX_VALUE)).isTrue();
    assertThat(in.read).isEqualTo(100_000);
  }

  @Test
  void drain_limitNearLongMax_readsTheWholeBody() throws IOException {
    CountingBody in = new CountingBody(20_000);
    assertThat(new DrainableRequestBody(in, 20_000).drain(Long.MAX_VALUE - 1)).isTrue();
    assertThat(in.read).isEqualTo(20_000);
  }

  @ParameterizedTest
  @CsvSource({"0, 0, true", "0, 1, false", "10, 10, true", "10, 11, false", "8192, 8192, true"})
  void drain_bodyAtOrOverTheLimit_endsOrGivesUp(long limit, int size, boolean drained)
      throws IOException {
    CountingBody in = new CountingBody(size);
    assertThat(new DrainableRequestBody(in, -1).drain(limit)).isEqualTo(drained);
    assertThat(in.read).isLessThanOrEqualTo(limit + 1);
  }

  @Test
  void drain_declaredLengthOverTheLimit_readsNothing() throws IOException {
    CountingBody in = new CountingBody(4 * 1024 * 1024);
    assertThat(new DrainableRequestBody(in, 4 * 1024 * 1024).drain(1024)).isFalse();
    assertThat(in.read).isZero();
  }

  @Test
  void drain_declaredLengthOverTheLimitButMostlyReadByTheHandler_drainsTheRest()
      throws IOException {
    CountingBody in = new CountingBody(10_000);
    DrainableRequestBody body = new DrainableRequestBody(in, 10_000);
    assertThat(body.readNBytes(9_500)).hasSize(9_500);
    assertThat(body.skip(100)).isEqualTo(100);
    assertThat(body.drain(1024)).isTrue();
    assertThat(in.read).isEqualTo(10_000);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | -1",
        "' 42 ' | 42",
        "'0' | 0",
        "'-1' | -1",
        "'12a' | -1",
        "'1e3' | -1",
        "'99999999999999999999999' | 9223372036854775807"
      })
  void declaredLength_headerValue_parsedOrUnknown(String header, long expected) {
    assertThat(DrainableRequestBody.declaredLength(header)).isEqualTo(expected);
  }

  @Test
  void declaredLength_noHeader_unknown() {
    assertThat(DrainableRequestBody.declaredLength(null)).isEqualTo(-1);
  }
}
