package dev.guardrails.errors.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The JSON factory of {@link StrictJson}: a byte array in UTF-8 (what {@link StrictJson} passes
 * after its UTF-8 check) is read by a {@link DuplicateKeyParser}. Other sources, which {@link
 * StrictJson} does not use, and other encodings get Jackson's parsers with its own duplicate
 * detection, so no parser this factory makes accepts a repeated key.
 */
final class StrictJsonFactory extends JsonFactory {

  private static final long serialVersionUID = 1L;

  private final int maxNumberScale;

  StrictJsonFactory(JsonFactoryBuilder builder, int maxNumberScale) {
    super(builder);
    this.maxNumberScale = maxNumberScale;
    // for every parser not made by _createParser(byte[]...) below
    _parserFeatures |= JsonParser.Feature.STRICT_DUPLICATE_DETECTION.getMask();
  }

  private StrictJsonFactory(StrictJsonFactory source, @Nullable ObjectCodec codec) {
    super(source, codec);
    this.maxNumberScale = source.maxNumberScale;
  }

  @Override
  public JsonFactory copy() {
    return new StrictJsonFactory(this, null);
  }

  @Override
  protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt)
      throws IOException {
    if (_inputDecorator != null || !isUtf8(data, offset, len)) {
      return super._createParser(data, offset, len, ctxt);
    }
    int start = offset;
    // a UTF-8 byte order mark is skipped, as Jackson's bootstrapper does
    if (len >= 3
        && data[offset] == (byte) 0xEF
        && data[offset + 1] == (byte) 0xBB
        && data[offset + 2] == (byte) 0xBF) {
      start += 3;
    }
    ctxt.setEncoding(JsonEncoding.UTF8);
    return new DuplicateKeyParser(
        ctxt,
        _parserFeatures & ~JsonParser.Feature.STRICT_DUPLICATE_DETECTION.getMask(),
        _objectCodec,
        _byteSymbolCanonicalizer.makeChildOrPlaceholder(_factoryFeatures),
        data,
        start,
        offset + len,
        start - offset,
        maxNumberScale);
  }

  /**
   * Whether Jackson would read the bytes as UTF-8: no NUL byte among the first four (UTF-16 and
   * UTF-32 have one; {@link StrictJson} rejects such documents before parsing anyway).
   */
  private static boolean isUtf8(byte[] data, int offset, int len) {
    for (int k = offset; k < offset + Math.min(len, 4); k++) {
      if (data[k] == 0) {
        return false;
      }
    }
    if (len >= 2) {
      int first = data[offset] & 0xFF;
      int second = data[offset + 1] & 0xFF;
      // UTF-16 byte order marks
      return !((first == 0xFE && second == 0xFF) || (first == 0xFF && second == 0xFE));
    }
    return true;
  }
}
