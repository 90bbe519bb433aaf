package dev.guardrails.auth;

import dev.guardrails.auth.TokenRejection.Reason;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * A strict pre-check of a JWT header or claims set before it reaches a general-purpose parser: one
 * JSON object, no duplicate member at any level (after unescaping, so an escaped {@code "sub"}
 * duplicates {@code "sub"}), bounded nesting, nothing after the value. Iterative, so hostile
 * nesting cannot overflow the stack. Stateless and thread-safe.
 */
final class StrictJson {

  /** A JSON text that breaks a rule. */
  static final class Violation extends Exception {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    Violation(Reason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }

    Reason reason() {
      return reason;
    }
  }

  private final String text;
  private final int maxDepth;
  private int pos;

  private StrictJson(String text, int maxDepth) {
    this.text = text;
    this.maxDepth = maxDepth;
  }

  /** Checks that the text is one JSON object that follows the rules. */
  static void check(String text, int maxDepth) throws Violation {
    new StrictJson(text, maxDepth).run();
  }

  private void run() throws Violation {
    skipWhitespace();
    if (pos >= text.length() || text.charAt(pos) != '{') {
      throw malformed("must be a JSON object");
    }
    // each frame: the member names seen so far for objects, null for arrays
    Deque<Frame> stack = new ArrayDeque<>();
    boolean expectValue = true;
    while (true) {
      skipWhitespace();
      if (expectValue) {
        char c = peek();
        if (c == '{' || c == '[') {
          pos++;
          if (stack.size() + 1 > maxDepth) {
            throw new Violation(
                Reason.JSON_TOO_DEEP, "nesting deeper than " + maxDepth + " levels");
          }
          Frame frame = new Frame(c == '{');
          stack.push(frame);
          skipWhitespace();
          char close = c == '{' ? '}' : ']';
          if (peek() == close) {
            pos++;
            stack.pop();
            expectValue = false;
          } else if (frame.object) {
            readMemberName(frame);
          }
          if (!expectValue) {
            if (stack.isEmpty()) {
              break;
            }
          }
          continue;
        }
        readScalar();
        expectValue = false;
      } else {
        Frame frame = stack.peek();
        if (frame == null) {
          break;
        }
        char c = peek();
        pos++;
        if (c == ',') {
          if (frame.object) {
            skipWhitespace();
            readMemberName(frame);
          }
          expectValue = true;
        } else if (c == (frame.object ? '}' : ']')) {
          stack.pop();
          if (stack.isEmpty()) {
            break;
          }
        } else {
          throw malformed("unexpected '" + printable(c) + "' at offset " + (pos - 1));
        }
      }
    }
    skipWhitespace();
    if (pos != text.length()) {
      throw malformed("unexpected content after the object at offset " + pos);
    }
  }

  private void readMemberName(Frame frame) throws Violation {
    if (peek() != '"') {
      throw malformed("member name expected at offset " + pos);
    }
    String name = readString();
    if (!frame.names.add(name)) {
      throw new Violation(Reason.DUPLICATE_MEMBER, "duplicate member '" + safe(name) + "'");
    }
    skipWhitespace();
    if (peek() != ':') {
      throw malformed("':' expected at offset " + pos);
    }
    pos++;
  }

  private void readScalar() throws Violation {
    char c = peek();
    if (c == '"') {
      readString();
    } else if (c == 't') {
      literal("true");
    } else if (c == 'f') {
      literal("false");
    } else if (c == 'n') {
      literal("null");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      int start = pos;
      while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      if (pos - start > 64) {
        throw malformed("number longer than 64 characters");
      }
    } else {
      throw malformed("value expected at offset " + pos);
    }
  }

  private void literal(String word) throws Violation {
    if (!text.startsWith(word, pos)) {
      throw malformed("value expected at offset " + pos);
    }
    pos += word.length();
  }

  private String readString() throws Violation {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw malformed("control character in a string at offset " + (pos - 1));
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw malformed("truncated unicode escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException notHex) {
            throw malformed("bad unicode escape at offset " + pos);
          }
          pos += 4;
        }
        default -> throw malformed("bad escape at offset " + (pos - 1));
      }
    }
    throw malformed("unterminated string");
  }

  private char peek() throws Violation {
    if (pos >= text.length()) {
      throw malformed("unexpected end of JSON");
    }
    return text.charAt(pos);
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private static Violation malformed(String message) {
    return new Violation(Reason.MALFORMED, "invalid JSON: " + message);
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  /** A value from a token as shown in a log detail: printable ASCII, at most 40 characters. */
  static String safe(String value) {
    return safe(value, 40);
  }

  /**
   * Text from a token as shown in a log detail: printable ASCII, at most {@code max} characters.
   */
  static String safe(String value, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < max; i++) {
      out.append(printable(value.charAt(i)));
    }
    return out.toString();
  }

  private static final class Frame {
    final boolean object;
    final Set<String> names = new HashSet<>();

    Frame(boolean object) {
      this.object = object;
    }
  }
}
