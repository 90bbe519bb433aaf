package dev.guardrails.errors.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.SerializableString;
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
 * <p>Every field name the parser reaches passes through {@link #check}: through {@link
 * #nextToken()} or one of the two {@code nextFieldName} methods, the only ones that step onto a
 * field name (the other {@code next...} methods and {@code skipChildren} step through {@code
 * nextToken()}). The check keeps the names of the current entry's object per nesting level and uses
 * the parsing context's entry index: index 0 starts a new object at that level, so siblings reuse
 * the level's slot; a name seen twice for one entry (a method stepping through another) is recorded
 * once. An object's names are compared with a linear scan (names from Jackson's canonicalizing
 * parser are usually one instance, so {@code equals} mostly returns at its identity check); an
 * object of more than {@value #LINEAR} names gets a hash set.
 *
 * <p>A repeated key fails with a {@link JsonParseException} whose message starts with {@code
 * "Duplicate field"}, as Jackson's own does, while the parser stands on the second occurrence.
 *
 * <p>Not thread-safe, like any parser.
 */
final class DuplicateKeyParser extends UTF8StreamJsonParser {

  static final int LINEAR = 12;

  // per nesting level: the names of the object open at that level, in entry order
  private @Nullable String[][] names = new String[8][];
  private int[] counts = new int[8];
  private @Nullable Set<String>[] sets = newSets(8);

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
  }

  @Override
  public @Nullable JsonToken nextToken() throws IOException {
    JsonToken token = super.nextToken();
    if (token == JsonToken.FIELD_NAME) {
      String name = _parsingContext.getCurrentName();
      if (name != null) {
        check(name);
      }
    }
    return token;
  }

  @Override
  public @Nullable String nextFieldName() throws IOException {
    String name = super.nextFieldName();
    if (name != null) {
      check(name);
    }
    return name;
  }

  @Override
  public boolean nextFieldName(SerializableString expected) throws IOException {
    boolean matched = super.nextFieldName(expected);
    if (_currToken == JsonToken.FIELD_NAME) {
      String name = _parsingContext.getCurrentName();
      if (name != null) {
        check(name);
      }
    }
    return matched;
  }

  @SuppressWarnings("ReferenceEquality") // a fast path before equals, not instead of it
  private void check(String name) throws IOException {
    JsonReadContext context = _parsingContext;
    int level = context.getNestingDepth();
    int index = context.getCurrentIndex();
    if (level >= counts.length) {
      int size = Math.max(level + 1, counts.length * 2);
      names = Arrays.copyOf(names, size);
      counts = Arrays.copyOf(counts, size);
      sets = Arrays.copyOf(sets, size);
    }
    int count = counts[level];
    if (index == 0) {
      count = 0;
      if (sets[level] != null) {
        sets[level] = null;
      }
    }
    if (index == count - 1) {
      return; // this entry's name, seen a second time
    }
    if (index != count) {
      throw new IllegalStateException(
          "duplicate key check lost track of an object: entry " + index + " after " + count);
    }
    String[] seen = names[level];
    if (seen == null) {
      seen = new String[8];
      names[level] = seen;
    }
    if (count < LINEAR) {
      int hash = name.hashCode();
      for (int k = 0; k < count; k++) {
        String other = seen[k];
        // names from one canonicalizing parser are one instance, and their hashes are cached
        if (other == name || (other.hashCode() == hash && other.equals(name))) {
          throw duplicate(name);
        }
      }
    } else if (!set(level, seen, count).add(name)) {
      throw duplicate(name);
    }
    if (count == seen.length) {
      seen = Arrays.copyOf(seen, count * 2);
      names[level] = seen;
    }
    seen[count] = name;
    counts[level] = count + 1;
  }

  /** The hash set of the object at the level, filled with its names on first use. */
  private Set<String> set(int level, @Nullable String[] seen, int count) {
    Set<String> set = sets[level];
    if (set == null) {
      set = new HashSet<>();
      for (int k = 0; k < count; k++) {
        set.add(seen[k]);
      }
      sets[level] = set;
    }
    return set;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static @Nullable Set<String>[] newSets(int size) {
    return new Set[size];
  }

  private JsonParseException duplicate(String name) {
    return new JsonParseException(this, "Duplicate field '" + name + "'");
  }
}
