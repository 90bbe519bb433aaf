package dev.guardrails.errors.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.JsonReadContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import dev.guardrails.core.FieldError;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Jackson's UTF-8 parser, failing on a key repeated within one object at any depth, in place of
 * {@code STRICT_DUPLICATE_DETECTION} (whose detector allocates a {@code HashSet} for every object
 * of more than two fields).
 *
 * <p>The check sits where Jackson's own does: in the parsing context's {@code setCurrentName},
 * which the parser calls once for every field name it reads, whichever {@code next...} method or
 * {@code skipChildren} got there. The parser's contexts are {@link KeyContext}s, one per nesting
 * level, reused by sibling objects as Jackson reuses its own; each keeps the names of its current
 * object and compares a new name with them by a linear scan (names from Jackson's canonicalizing
 * parser are usually one instance, so the identity check mostly decides); an object of more than
 * {@value #LINEAR} names gets a hash set. So the verdict is Jackson's, without its allocations.
 *
 * <p>It also refuses a number too large for the double or float it is read as, which Jackson reads
 * as infinity; a decimal number whose exponent is beyond the scale limit ({@code 1e1000000}); and a
 * string or name with an unpaired surrogate escape (<code>"&#92;ud800"</code>), which is not
 * Unicode text and cannot be encoded back to UTF-8. Those fail with an {@link
 * InvalidValueException} naming the value's path.
 *
 * <p>A repeated key fails with a {@link JsonParseException} whose message starts with {@code
 * "Duplicate field"}, as Jackson's own does, while the parser's context is the object and its
 * current name the repeated key.
 *
 * <p>Not thread-safe, like any parser.
 */
final class DuplicateKeyParser extends UTF8StreamJsonParser {

  static final int LINEAR = 12;

  private static final String LONE_SURROGATE =
      "is not valid Unicode text: it has an unpaired surrogate escape";

  private final int maxNumberScale;
  // whether a string value (rather than a field name) is being decoded or skipped
  private boolean inValue;
  // where the escape after a high surrogate's escape starts (after its backslash), or -1
  private int lowSurrogateAt = -1;
  private @Nullable List<FieldError> scaleErrors;

  DuplicateKeyParser(
      IOContext context,
      int features,
      ObjectCodec codec,
      ByteQuadsCanonicalizer symbols,
      byte[] input,
      int start,
      int end,
      int bytesPreProcessed,
      int maxNumberScale) {
    super(context, features, null, codec, symbols, input, start, end, bytesPreProcessed, false);
    _parsingContext = new KeyContext(null, 0, JsonReadContext.TYPE_ROOT, 1, 0, this);
    this.maxNumberScale = maxNumberScale;
  }

  /**
   * Returns the number as a {@link BigDecimal}; one whose exponent is beyond the scale limit
   * ({@code 1e1000000}) is refused: cheap to parse, it costs a million digits' work once used.
   */
  @Override
  public BigDecimal getDecimalValue() throws IOException {
    BigDecimal value = super.getDecimalValue();
    int scale = value.scale();
    if (scale > maxNumberScale || scale < -maxNumberScale) {
      String problem =
          "the number's exponent is out of range (at most "
              + maxNumberScale
              + " decimal places either way)";
      List<FieldError> collected = scaleErrors;
      if (collected == null) {
        throw new InvalidValueException(this, valuePath(), problem, false);
      }
      collected.add(FieldError.withoutValue(valuePath(), problem));
    }
    return value;
  }

  /**
   * Makes numbers beyond the scale limit be added to the list instead of failing, for reading the
   * document as a tree to explain all its errors; such a number is kept only in that tree.
   *
   * @param errors where each such number's field error is added
   */
  void collectScaleErrorsIn(List<FieldError> errors) {
    this.scaleErrors = errors;
  }

  /**
   * Decodes an escape in a string value or a field name; an escaped surrogate must be one half of a
   * pair of escapes (<code>&#92;ud83d&#92;ude00</code>). The document is all in the buffer, so the
   * escape after a high surrogate can be looked at before it is decoded.
   */
  @Override
  protected char _decodeEscaped() throws IOException {
    int start = _inputPtr;
    char c = super._decodeEscaped();
    if (Character.isHighSurrogate(c)) {
      if (!lowSurrogateEscapeAt(_inputPtr)) {
        throw loneSurrogate();
      }
      lowSurrogateAt = _inputPtr + 1;
    } else if (Character.isLowSurrogate(c)) {
      if (start != lowSurrogateAt) {
        throw loneSurrogate();
      }
      lowSurrogateAt = -1;
    }
    return c;
  }

  @Override
  protected void _finishString() throws IOException {
    inValue = true;
    try {
      super._finishString();
    } finally {
      inValue = false;
    }
  }

  @Override
  protected String _finishAndReturnString() throws IOException {
    inValue = true;
    try {
      return super._finishAndReturnString();
    } finally {
      inValue = false;
    }
  }

  @Override
  protected void _skipString() throws IOException {
    inValue = true;
    try {
      super._skipString();
    } finally {
      inValue = false;
    }
  }

  private boolean lowSurrogateEscapeAt(int at) {
    byte[] in = _inputBuffer;
    if (at + 6 > _inputEnd || in[at] != '\\' || in[at + 1] != 'u') {
      return false;
    }
    int value = 0;
    for (int k = at + 2; k < at + 6; k++) {
      int digit = Character.digit(in[k], 16);
      if (digit < 0) {
        return false;
      }
      value = (value << 4) | digit;
    }
    return Character.isLowSurrogate((char) value);
  }

  private InvalidValueException loneSurrogate() {
    return inValue
        ? new InvalidValueException(this, valuePath(), LONE_SURROGATE, true)
        : new InvalidValueException(
            this,
            ShapeChecker.render(pathOf(_parsingContext.getParent())),
            "has a field name that " + LONE_SURROGATE,
            true);
  }

  /** The path of the current value: its object's field or its array's index. */
  private String valuePath() {
    return ShapeChecker.render(pathOf(_parsingContext));
  }

  /** The path from the root to the current name or index of the context. */
  static List<Object> pathOf(@Nullable JsonStreamContext context) {
    List<Object> segments = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        segments.add(0, Math.max(0, c.getCurrentIndex()));
      } else if (c.getCurrentName() != null) {
        segments.add(0, c.getCurrentName());
      }
    }
    return segments;
  }

  /**
   * Returns the number as a double; a number too large for a double ({@code 1e1000000}) is refused
   * rather than read as infinity.
   */
  @Override
  public double getDoubleValue() throws IOException {
    double value = super.getDoubleValue();
    if (Double.isInfinite(value)) {
      _reportInputCoercion(
          "Numeric value (" + getText() + ") out of range of double", currentToken(), Double.TYPE);
    }
    return value;
  }

  /** Returns the number as a float; a number too large for a float is refused, as for a double. */
  @Override
  public float getFloatValue() throws IOException {
    float value = super.getFloatValue();
    if (Float.isInfinite(value)) {
      _reportInputCoercion(
          "Numeric value (" + getText() + ") out of range of float", currentToken(), Float.TYPE);
    }
    return value;
  }

  /**
   * A parsing context that rejects a name its object already has. Its children are {@code
   * KeyContext}s too, so every level of the document is checked.
   */
  static final class KeyContext extends JsonReadContext {

    private static final String[] NO_NAMES = new String[0];

    private final JsonParser parser;
    // the current object's names in order; a set beyond LINEAR names
    private String[] names = NO_NAMES;
    private int count;
    private @Nullable Set<String> set;

    KeyContext(
        @Nullable KeyContext parent, int depth, int type, int line, int column, JsonParser parser) {
      super(parent, depth, null, type, line, column);
      this.parser = parser;
    }

    @Override
    public JsonReadContext createChildArrayContext(int line, int column) {
      return child(TYPE_ARRAY, line, column);
    }

    @Override
    public JsonReadContext createChildObjectContext(int line, int column) {
      return child(TYPE_OBJECT, line, column);
    }

    private JsonReadContext child(int type, int line, int column) {
      JsonReadContext child = _child;
      if (child == null) {
        child = new KeyContext(this, _nestingDepth + 1, type, line, column, parser);
        _child = child;
      } else {
        child.reset(type, line, column);
      }
      return child;
    }

    @Override
    public void reset(int type, int line, int column) {
      super.reset(type, line, column);
      count = 0;
      set = null;
    }

    @Override
    @SuppressWarnings("ReferenceEquality") // a fast path before equals, not instead of it
    public void setCurrentName(String name) throws JsonProcessingException {
      super.setCurrentName(name);
      int n = count;
      if (n < LINEAR) {
        String[] seen = names;
        int hash = name.hashCode();
        for (int k = 0; k < n; k++) {
          String other = seen[k];
          // names from one canonicalizing parser are one instance, and their hashes are cached
          if (other == name || (other.hashCode() == hash && other.equals(name))) {
            throw duplicate(name);
          }
        }
        if (n == seen.length) {
          seen = Arrays.copyOf(seen, Math.max(4, n * 2));
          names = seen;
        }
        seen[n] = name;
      } else if (!set(n).add(name)) {
        throw duplicate(name);
      }
      count = n + 1;
    }

    /** The hash set of the current object, filled with its first names on first use. */
    private Set<String> set(int n) {
      Set<String> s = set;
      if (s == null) {
        s = new HashSet<>(Arrays.asList(names).subList(0, n));
        set = s;
      }
      return s;
    }

    private JsonParseException duplicate(String name) {
      return new JsonParseException(parser, "Duplicate field '" + name + "'");
    }
  }
}
