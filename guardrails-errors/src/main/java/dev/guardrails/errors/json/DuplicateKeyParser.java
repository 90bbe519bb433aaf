package dev.guardrails.errors.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.JsonReadContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
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
 * as infinity.
 *
 * <p>A repeated key fails with a {@link JsonParseException} whose message starts with {@code
 * "Duplicate field"}, as Jackson's own does, while the parser's context is the object and its
 * current name the repeated key.
 *
 * <p>Not thread-safe, like any parser.
 */
final class DuplicateKeyParser extends UTF8StreamJsonParser {

  static final int LINEAR = 12;

  DuplicateKeyParser(
      IOContext context,
      int features,
      ObjectCodec codec,
      ByteQuadsCanonicalizer symbols,
      byte[] input,
      int start,
      int end,
      int bytesPreProcessed) {
    super(context, features, null, codec, symbols, input, start, end, bytesPreProcessed, false);
    _parsingContext = new KeyContext(null, 0, JsonReadContext.TYPE_ROOT, 1, 0, this);
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
